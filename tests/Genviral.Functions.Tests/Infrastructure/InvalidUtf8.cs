using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Genviral.Functions.Tests.Infrastructure;

/// <summary>JSON bodies that are well formed but for their text: each one's bytes are not UTF-8, or decode to no Unicode text.</summary>
internal static class InvalidUtf8
{
    /// <summary>
    /// Variants of <paramref name="json"/>, a body the route would accept, whose one <c>§</c> sits inside a string the
    /// route reads (the marker is replaced by the bad bytes, or by nothing where the bad part is elsewhere).
    /// </summary>
    public static IEnumerable<(string Description, byte[] Body)> Variants(string json)
    {
        var marker = json.IndexOf('§', StringComparison.Ordinal);
        var before = Encoding.UTF8.GetBytes(json[..marker]);
        var after = Encoding.UTF8.GetBytes(json[(marker + 1)..]);
        var clean = json.Remove(marker, 1);
        byte[] At(ReadOnlySpan<byte> bad) => [.. before, .. bad, .. after];

        yield return ("byte 0xFF inside a string", At([0xFF]));
        yield return ("lone continuation byte", At([0x80]));
        yield return ("overlong form of '/'", At([0xC0, 0xAF]));
        yield return ("UTF-8-encoded surrogate", At([0xED, 0xA0, 0x80]));
        yield return ("truncated sequence", At([0xE2, 0x82]));
        yield return ("escaped lone surrogate", At("\\ud800"u8));
        yield return ("byte 0xFF in a key", [(byte)'{', .. "\"k"u8, 0xFF, .. "\":1,"u8, .. Encoding.UTF8.GetBytes(clean[1..])]);
        yield return ("UTF-16 with a byte order mark", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(clean)]);
    }

    /// <summary>Sends every variant of <paramref name="json"/> to the route: each must be 400 invalid_json.</summary>
    public static async Task AssertRefusedAsync(HttpClient client, HttpMethod method, string path, string json)
    {
        foreach (var (description, body) in Variants(json))
        {
            using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}, {description}: {(int)response.StatusCode}");
            await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_json");
        }
    }
}
