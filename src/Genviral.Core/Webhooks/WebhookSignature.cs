using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Genviral.Core.Webhooks;

/// <summary>
/// Standard Webhooks signing (https://www.standardwebhooks.com): a secret is <c>whsec_</c> + base64 of its key bytes,
/// and a signature is <c>v1,</c> + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")). During a
/// rotation grace period the header carries one signature per valid secret, space-separated; a receiver accepts
/// the message when any of them verifies.
/// </summary>
/// <remarks>
/// Implemented here rather than with the StandardWebhooks package (MIT, checked at 1.1.2): that package brings a
/// framework reference to ASP.NET Core, which Core does not take; it signs with one secret per instance, while a
/// rotation needs two signatures in one header; and it adds a content file to the consuming project. The scheme
/// itself is the HMAC below.
/// </remarks>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";
    public const int SecretBytes = 32;

    /// <summary>A new secret: <c>whsec_</c> + base64 of 32 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The key bytes of a secret this app generated.</summary>
    public static byte[] KeyOf(string secret) => Convert.FromBase64String(secret[SecretPrefix.Length..]);

    /// <summary>The <c>webhook-signature</c> header value: one <c>v1,…</c> per key, in the order given, space-separated.</summary>
    public static string Sign(string webhookId, DateTimeOffset timestamp, string body, IEnumerable<byte[]> keys)
    {
        var content = Encoding.UTF8.GetBytes($"{webhookId}.{UnixSeconds(timestamp)}.{body}");
        return string.Join(' ', keys.Select(key => "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content))));
    }

    /// <summary>The <c>webhook-timestamp</c> header value: Unix seconds.</summary>
    public static string UnixSeconds(DateTimeOffset timestamp) => timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
