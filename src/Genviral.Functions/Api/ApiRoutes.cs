namespace Genviral.Functions.Api;

internal static class ApiRoutes
{
    public const string Base = "/api/partner/v1";

    // MapOpenApi needs a {documentName} parameter; naming the document "openapi" yields /api/partner/v1/openapi.json.
    public const string DocumentName = "openapi";
    public const string OpenApiPattern = Base + "/{documentName}.json";
    public const string OpenApiDocument = Base + "/" + DocumentName + ".json";
    public const string Docs = Base + "/docs";
}
