using Azure;
using Genviral.Core.Storage;
using Genviral.Functions.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Genviral.Functions.Service;

internal static class ServiceEndpoints
{
    public static IEndpointRouteBuilder MapService(this IEndpointRouteBuilder app)
    {
        // The Functions host polls GET / until the handler answers; it must not touch storage.
        app.MapGet("/", () => TypedResults.Ok(ApiJson.Envelope(
                "Genviral Partner API",
                new RootData("Genviral Partner API", ApiRoutes.Docs, ApiRoutes.OpenApiDocument))))
            .WithName("GetRoot")
            .WithTags("Service")
            .WithSummary("Readiness probe and pointer to the documentation");

        app.MapGet("/health", GetHealthAsync)
            .WithName("GetHealth")
            .WithTags("Service")
            .WithSummary("Liveness plus a storage reachability check")
            .ProducesErrors(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<Envelope<HealthData>>, ApiError>> GetHealthAsync(StorageClients storage, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            // A point read of a row that never exists: one cheap round trip that proves table storage answers.
            await storage.Table(StorageNames.TenantsTable).GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("health", "probe", ["PartitionKey"], cancellationToken);
        }
        catch (RequestFailedException)
        {
            return new ApiError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable, "Storage is not reachable");
        }

        return TypedResults.Ok(ApiJson.Envelope("Healthy", new HealthData("healthy", "reachable", time.GetUtcNow())));
    }
}
