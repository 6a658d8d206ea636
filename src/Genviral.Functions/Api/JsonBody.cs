using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Genviral.Functions.Api;

/// <summary>
/// Reads a JSON object body with the API's error rules, for handlers that need to see which fields were sent
/// (absent vs null) before validating them: wrong content type → 415, too big → 413, not JSON → 400
/// invalid_json (text that is not UTF-8 included), JSON but not an object → invalid_payload with the status the
/// endpoint documents.
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
            if (!IsUnicodeText(buffer))
            {
                return Fail(StatusCodes.Status400BadRequest, ErrorCodes.InvalidJson, "Request body is not valid UTF-8 text");
            }

            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : Fail(invalidPayloadStatus, ErrorCodes.InvalidPayload, "Request body must be a JSON object");
        }
        catch (JsonException)
        {
            return Fail(StatusCodes.Status400BadRequest, ErrorCodes.InvalidJson, "Request body is not valid JSON");
        }
    }

    /// <summary>
    /// The parser checks the grammar but decodes a string only when it is read, so a handler reading bytes that are not
    /// UTF-8, or an escaped lone surrogate (<c>\ud800</c>), would throw deep inside. Every string and key is checked here.
    /// </summary>
    private static bool IsUnicodeText(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            return false;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = DocumentOptions.MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            }
        }

        return true;
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
