using System.IO.Compression;
using Microsoft.Net.Http.Headers;

namespace Genviral.Functions.Api;

/// <summary>
/// The Scalar reference page for the OpenAPI document, and the three files it loads, served from the assets the
/// Scalar.AspNetCore package embeds (pre-gzipped), so the page works without reaching a CDN.
/// </summary>
internal static class DocsPage
{
    private static readonly System.Reflection.Assembly Assets = typeof(Scalar.AspNetCore.ScalarOptions).Assembly;

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["scalar.js"] = "text/javascript",
        ["scalar.aspnetcore.js"] = "text/javascript",
        ["favicon.svg"] = "image/svg+xml",
    };

    // The page Scalar.AspNetCore renders for this document; its script resolves the document URL against the app's base.
    private static readonly string Page = $$"""
        <!doctype html>
        <html>
        <head>
            <title>Genviral Partner API</title>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
        </head>
        <body>
            <div id="app"></div>
            <script src="scalar.js"></script>
            <script type="module" src="scalar.aspnetcore.js"></script>
            <script type="module">
                import { initialize } from './scalar.aspnetcore.js'
                initialize(
                '{{Uri.EscapeDataString("/" + ApiRoutes.Docs + "/")}}',
                false,
                {"favicon":"favicon.svg","_integration":"dotnet","sources":[{"title":"Genviral Partner API","url":"{{ApiRoutes.OpenApiDocument}}"}]},
                '')
            </script>
        </body>
        </html>
        """;

    public static IResult Serve(HttpRequest request, string? file)
    {
        if (string.IsNullOrEmpty(file))
        {
            // Relative asset URLs need the trailing slash: /docs → /docs/.
            return request.Path.Value?.EndsWith('/') == true ? TypedResults.Content(Page, "text/html") : TypedResults.Redirect("docs/");
        }

        if (!ContentTypes.TryGetValue(file, out var contentType) || Assets.GetManifestResourceStream("ScalarStaticAssets." + file) is not { } gzipped)
        {
            return ApiError.NotFound("Route not found");
        }

        var response = request.HttpContext.Response;
        response.Headers.CacheControl = "no-cache";
        response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
        if (request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            response.Headers.ContentEncoding = "gzip";
            return TypedResults.Stream(gzipped, contentType);
        }

        return TypedResults.Stream(new GZipStream(gzipped, CompressionMode.Decompress), contentType);
    }
}
