using Genviral.Core.Auth;

namespace Genviral.Core.Tests.Auth;

public sealed class ApiTokenTests
{
    [Fact]
    public void Generate_ProducesTokenThatParsesAndVerifies()
    {
        var (publicId, secret) = ApiToken.Generate();
        var token = ApiToken.Format(publicId, secret);

        Assert.Matches("^gva_live_[0-9a-f]{12}$", publicId);
        Assert.True(ApiToken.TryParse(token, out var parsedId, out var parsedSecret));
        Assert.Equal(publicId, parsedId);
        Assert.Equal(secret, parsedSecret);
        Assert.True(ApiToken.Verify(secret, ApiToken.Hash(secret)));
    }

    [Fact]
    public void Generate_SecretsAreUniqueAndCarry32Bytes()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => ApiToken.Generate().Secret).ToList();

        Assert.Equal(100, secrets.Distinct().Count());
        Assert.All(secrets, s => Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(s).Length));
    }

    [Theory]
    [InlineData("")]
    [InlineData("gva_live_0123456789ab")]
    [InlineData("gva_live_0123456789AB.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("gva_test_0123456789ab.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("gva_live_0123456789ab.AAAA")]
    [InlineData("gva_live_0123456789ab.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("gva_live_0123456789abc.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TryParse_Malformed_ReturnsFalse(string token)
    {
        Assert.False(ApiToken.TryParse(token, out _, out _));
    }

    [Fact]
    public void Verify_WrongSecretOrCorruptHash_ReturnsFalse()
    {
        var (_, secret) = ApiToken.Generate();
        var (_, other) = ApiToken.Generate();

        Assert.False(ApiToken.Verify(other, ApiToken.Hash(secret)));
        Assert.False(ApiToken.Verify(secret, "not base64!"));
        Assert.False(ApiToken.Verify(secret, Convert.ToBase64String(new byte[16])));
    }

    [Fact]
    public void Hash_IsNotTheSecret()
    {
        var (_, secret) = ApiToken.Generate();

        Assert.DoesNotContain(secret, ApiToken.Hash(secret), StringComparison.Ordinal);
    }
}
