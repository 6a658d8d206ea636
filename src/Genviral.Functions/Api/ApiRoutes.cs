namespace Genviral.Functions.Api;

/// <summary>Route templates as the trigger attributes take them: without a leading slash (host.json's routePrefix is empty).</summary>
internal static class ApiRoutes
{
    public const string Base = "api/partner/v1";

    /// <summary>The OpenAPI document's name; the generator keys it by this.</summary>
    public const string DocumentName = "openapi";

    public const string OpenApiDocument = Base + "/" + DocumentName + ".json";

    public const string Docs = Base + "/docs";
}
