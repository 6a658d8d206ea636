using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Genviral.Core.Auth;

/// <summary>
/// The bearer token <c>gva_live_&lt;hex&gt;.&lt;secret&gt;</c>: a public id that names the key row, and a
/// 32-byte random secret of which only the SHA-256 is stored. The secret has full entropy, so a fast
/// hash is enough: a slow KDF protects guessable passwords, not random keys.
/// </summary>
public static class ApiToken
{
    public const string PublicIdPrefix = "gva_live_";
    private const int PublicIdHexLength = 12;
    private const int SecretBytes = 32;

    // 32 bytes in unpadded base64url; generous upper bound on the whole header value for cheap rejection.
    private const int SecretLength = 43;
    private const int MaxTokenLength = 128;
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static (string PublicId, string Secret) Generate()
    {
        var publicId = PublicIdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PublicIdHexLength / 2));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        return (publicId, secret);
    }

    public static string Format(string publicId, string secret) => publicId + "." + secret;

    /// <summary>Splits a token into its parts; false for anything not shaped like one of ours.</summary>
    public static bool TryParse(string? token, out string publicId, out string secret)
    {
        publicId = "";
        secret = "";
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return false;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return false;
        }

        var id = token[..dot];
        var s = token[(dot + 1)..];
        if (!IsPublicId(id) || s.Length != SecretLength || !Base64Url.IsValid(s))
        {
            return false;
        }

        publicId = id;
        secret = s;
        return true;
    }

    public static bool IsPublicId(string? value) =>
        value is not null
        && value.Length == PublicIdPrefix.Length + PublicIdHexLength
        && value.StartsWith(PublicIdPrefix, StringComparison.Ordinal)
        && value.AsSpan(PublicIdPrefix.Length).ContainsAnyExcept(LowerHex) is false;

    public static string Hash(string secret) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Constant-time comparison of a presented secret with a stored hash.</summary>
    public static bool Verify(string secret, string storedHash)
    {
        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(storedHash, expected, out var written) || written != SHA256.HashSizeInBytes)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
