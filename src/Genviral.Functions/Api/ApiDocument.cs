using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Genviral.Functions.Hosting;
using Genviral.Functions.Webhooks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.FileProviders;
using Microsoft.OpenApi;

namespace Genviral.Functions.Api;

/// <summary>
/// The OpenAPI 3.1 document, described from the function catalog the same way in both hosts: each HTTP function
/// becomes an endpoint description (its route and methods, the metadata its return type declares, its attributes),
/// and ASP.NET Core's OpenAPI generator turns those into the document. Built on first request, not at start-up.
/// </summary>
internal sealed class ApiDocument(FunctionCatalog catalog)
{
    private const string BearerScheme = "bearer";
    private const int MaxCachedHosts = 16;

    private readonly Lazy<Task<OpenApiDocument>> _document = new(() => DescribeAsync(catalog));
    private readonly ConcurrentDictionary<string, string> _byServer = new(StringComparer.Ordinal);

    /// <summary>The document as JSON, with the server the caller reached it on.</summary>
    public async Task<string> ToJsonAsync(HttpRequest request)
    {
        var server = $"{request.Scheme}://{request.Host}{request.PathBase}/";
        if (_byServer.TryGetValue(server, out var cached))
        {
            return cached;
        }

        var document = await _document.Value;
        string json;
        lock (document)
        {
            document.Servers = [new OpenApiServer { Url = server }];
            using var text = new StringWriter(CultureInfo.InvariantCulture);
            document.SerializeAsV31(new OpenApiJsonWriter(text));
            json = text.ToString();
        }

        // A host header is the caller's to choose; remember only a few.
        if (_byServer.Count < MaxCachedHosts)
        {
            _byServer.TryAdd(server, json);
        }

        return json;
    }

    /// <summary>The endpoint descriptions the document is generated from: every HTTP function but the catch-all and those excluded.</summary>
    internal static IReadOnlyList<Endpoint> Describe(FunctionCatalog catalog)
    {
        var endpoints = new List<Endpoint>();
        foreach (var function in catalog.Http.Where(f => !f.IsCatchAll))
        {
            var attributes = function.Method.DeclaringType!.GetCustomAttributes(true).Concat(function.Method.GetCustomAttributes(true)).ToList();
            if (attributes.OfType<IExcludeFromDescriptionMetadata>().Any(e => e.ExcludeFromDescription))
            {
                continue;
            }

            var builder = new RouteEndpointBuilder(_ => Task.CompletedTask, RoutePatternFactory.Parse("/" + function.Route), 0) { DisplayName = function.Name };
            builder.Metadata.Add(function.Method);
            builder.Metadata.Add(new HttpMethodMetadata(function.HttpMethods));
            builder.Metadata.Add(new EndpointNameMetadata(function.Name));
            foreach (var attribute in attributes)
            {
                builder.Metadata.Add(attribute);
                foreach (var expanded in Expand(attribute))
                {
                    builder.Metadata.Add(expanded);
                }
            }

            // What the return type (Results<…>) declares about itself, exactly as minimal APIs infer it.
            RequestDelegateFactory.InferMetadata(function.Method, new RequestDelegateFactoryOptions
            {
                EndpointBuilder = builder,
                RouteParameterNames = [.. function.Pattern.Parameters.Select(p => p.Name)],
            });
            endpoints.Add(builder.Build());
        }

        return endpoints;
    }

    private static IEnumerable<object> Expand(object attribute) => attribute switch
    {
        // Authentication reads storage, so every keyed operation can also answer 503 storage_unavailable.
        RequireApiKeyAttribute => Errors(StatusCodes.Status401Unauthorized, StatusCodes.Status402PaymentRequired, StatusCodes.Status403Forbidden,
            StatusCodes.Status503ServiceUnavailable),
        FaultCodeAttribute => Errors(StatusCodes.Status500InternalServerError),
        ProducesErrorsAttribute produces => Errors([.. produces.Statuses]),
        AcceptsJsonAttribute accepts => [new AcceptsMetadata(["application/json"], accepts.RequestType)],
        _ => [],
    };

    private static IEnumerable<object> Errors(params int[] statuses) =>
        statuses.Select(s => new ProducesResponseTypeMetadata(s, typeof(ErrorEnvelope), ["application/json"]));

    private static async Task<OpenApiDocument> DescribeAsync(FunctionCatalog catalog)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new DescriptionEnvironment());
        services.AddLogging();
        services.AddRouting();
        services.AddSingleton<EndpointDataSource>(new DefaultEndpointDataSource(Describe(catalog)));
        services.AddEndpointsApiExplorer();
        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        services.AddOpenApi(ApiRoutes.DocumentName, Configure);
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredKeyedService<IOpenApiDocumentProvider>(ApiRoutes.DocumentName).GetOpenApiDocumentAsync();
    }

    private static void Configure(OpenApiOptions options)
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
        options.AddDocumentTransformer((document, context, cancellationToken) => WebhookDocument.DescribeAsync(document, context, cancellationToken));
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<RequireApiKeyAttribute>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            }

            if (operation.Responses?.TryGetValue("503", out var unavailable) == true && unavailable is OpenApiResponse described)
            {
                described.Description = "storage_unavailable: storage could not be reached in time; nothing was changed. Retry after Retry-After seconds.";
                described.Headers ??= new Dictionary<string, IOpenApiHeader>();
                described.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before retrying.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                };
            }

            foreach (var example in metadata.OfType<OpenApiExampleAttribute>())
            {
                var content = example.Status == OpenApiExampleAttribute.Request
                    ? operation.RequestBody?.Content
                    : operation.Responses?.TryGetValue(example.Status.ToString(CultureInfo.InvariantCulture), out var response) == true ? response.Content : null;
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
    }

    /// <summary>The generator asks for an environment; it only describes, so nothing here is read from disk.</summary>
    private sealed class DescriptionEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = typeof(ApiDocument).Assembly.GetName().Name!;

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
