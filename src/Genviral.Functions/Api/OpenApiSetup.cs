using System.Text.Json.Nodes;
using Genviral.Functions.Auth;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Genviral.Functions.Api;

/// <summary>The OpenAPI 3.1 document, generated from the endpoints, and the Scalar page that renders it.</summary>
internal static class OpenApiSetup
{
    private const string BearerScheme = "bearer";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(ApiRoutes.DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Genviral Partner API",
                    Version = "v1",
                    Description = "Schedule video and slideshow posts to TikTok, Instagram and YouTube, follow their publishing state, and track analytics. " +
                        "Every response is an envelope {ok, code, message, data | error_code}.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "gva_live_<hex>.<secret>",
                    Description = "An API key issued with the admin CLI.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<RequiresApiKeyMetadata>().Any())
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                }

                foreach (var example in metadata.OfType<OpenApiExampleMetadata>())
                {
                    var content = example.Status is null
                        ? operation.RequestBody?.Content
                        : operation.Responses?.TryGetValue(example.Status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true ? response.Content : null;
                    if (content?.TryGetValue("application/json", out var media) == true)
                    {
                        media.Example = JsonNode.Parse(example.Json);
                    }
                }

                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                // List every error code the API can answer with, so clients can switch on them.
                if (context.JsonTypeInfo.Type == typeof(ErrorEnvelope) && schema.Properties?.TryGetValue("error_code", out var code) == true && code is OpenApiSchema codeSchema)
                {
                    codeSchema.Enum = [.. ErrorCodes.All.Select(c => (JsonNode)JsonValue.Create(c))];
                }

                return Task.CompletedTask;
            });
        });

    /// <summary>Adds an example to the operation's request body (no status) or to the response with that status.</summary>
    public static TBuilder WithExample<TBuilder>(this TBuilder builder, int? status, [System.Diagnostics.CodeAnalysis.StringSyntax("Json")] string json)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new OpenApiExampleMetadata(status, json));

    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(ApiRoutes.OpenApiPattern);
        app.MapScalarApiReference(ApiRoutes.Docs, options => options
            .WithTitle("Genviral Partner API")
            .AddDocument(ApiRoutes.DocumentName, "Genviral Partner API", ApiRoutes.OpenApiPattern));
        return app;
    }
}

/// <summary>An example body for the OpenAPI document: the request's when <see cref="Status"/> is null.</summary>
internal sealed record OpenApiExampleMetadata(int? Status, string Json);
