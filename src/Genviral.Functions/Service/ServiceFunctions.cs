using Azure;
using Genviral.Core.Storage;
using Genviral.Functions.Api;
using Genviral.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Service;

/// <summary>Health, the OpenAPI document and its reference page, and the answer for every route no function serves.</summary>
[Tags("Service")]
internal sealed class ServiceFunctions(StorageClients storage, TimeProvider time, ApiDocument document, FunctionCatalog catalog)
{
    [Function(nameof(Health))]
    [EndpointSummary("Liveness plus a storage reachability check")]
    [ProducesErrors(StatusCodes.Status503ServiceUnavailable)]
    public async Task<Results<Ok<Envelope<HealthData>>, ApiError>> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            // A point read of a row that never exists: one cheap round trip that proves table storage answers.
            await storage.Table(StorageNames.TenantsTable).GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("health", "probe", ["PartitionKey"], cancellationToken);
        }
        catch (Exception e) when (e is RequestFailedException || StorageFailures.IsUnavailable(e, cancellationToken))
        {
            return ApiPipeline.StorageUnavailable();
        }

        return TypedResults.Ok(ApiJson.Envelope("Healthy", new HealthData("healthy", "reachable", time.GetUtcNow())));
    }

    [Function(nameof(GetOpenApiDocument))]
    [ExcludeFromDescription]
    public async Task<IResult> GetOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.OpenApiDocument)] HttpRequest request) =>
        TypedResults.Text(await document.ToJsonAsync(request), "application/json;charset=utf-8");

    [Function(nameof(GetDocs))]
    [ExcludeFromDescription]
    public static IResult GetDocs(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Docs + "/{file?}")] HttpRequest request, string? file) =>
        DocsPage.Serve(request, file);

    /// <summary>
    /// Every route and method no other function serves (the hosts order a catch-all last): 405 when another
    /// function serves the path with other methods, else 404, both in the envelope.
    /// </summary>
    [Function(nameof(Fallback))]
    [ExcludeFromDescription]
    public ApiError Fallback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "head", "options", Route = "{*path}")] HttpRequest request)
    {
        var allowed = catalog.MethodsFor(request.Path);
        if (allowed.Count == 0)
        {
            return new ApiError(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "Route not found");
        }

        var error = new ApiError(StatusCodes.Status405MethodNotAllowed, ErrorCodes.MethodNotAllowed, "Method not allowed");
        error.Headers["Allow"] = string.Join(", ", allowed);
        return error;
    }
}
