using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Genviral.Functions.Api;

/// <summary>
/// Reads a JSON object body with the API's error rules, for handlers that need to see which fields were sent
/// (absent vs null) before validating them: wrong content type → 415, too big → 413, not JSON → 400
/// invalid_json, JSON but not an object → invalid_payload with the status the endpoint documents.
/// </summary>
internal sealed class JsonBody(IOptions<ApiOptions> options)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    public async Task<(JsonElement Body, ApiError? Error)> ReadObjectAsync(HttpRequest request, int invalidPayloadStatus, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
        {
            return Fail(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Content-Type must be application/json");
        }

        var limit = options.Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        byte[] buffer;
        try
        {
            buffer = await ReadLimitedAsync(request.Body, limit, cancellationToken);
        }
        catch (BodyTooLargeException)
        {
            return TooLarge(limit);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }

        if (buffer.Length == 0)
        {
            return Fail(StatusCodes.Status400BadRequest, ErrorCodes.InvalidJson, "Request body is empty; a JSON object is required");
        }

        try
        {
            using var document = JsonDocument.Parse(buffer, DocumentOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : Fail(invalidPayloadStatus, ErrorCodes.InvalidPayload, "Request body must be a JSON object");
        }
        catch (JsonException)
        {
            return Fail(StatusCodes.Status400BadRequest, ErrorCodes.InvalidJson, "Request body is not valid JSON");
        }
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.HasValue
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Value.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads at most <paramref name="limit"/> bytes: a missing or false Content-Length cannot make us buffer more.</summary>
    private static async Task<byte[]> ReadLimitedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (copy.Length + read > limit)
            {
                throw new BodyTooLargeException();
            }

            copy.Write(chunk, 0, read);
        }

        return copy.ToArray();
    }

    private static (JsonElement, ApiError?) TooLarge(int limit) =>
        Fail(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"Request body exceeds {limit} bytes");

    private static (JsonElement, ApiError?) Fail(int status, string code, string message) => (default, new ApiError(status, code, message));

    private sealed class BodyTooLargeException : Exception;
}
