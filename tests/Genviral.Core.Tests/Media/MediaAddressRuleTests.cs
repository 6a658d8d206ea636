using System.Net;
using Genviral.Core.Media;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Tests.Media;

public sealed class MediaAddressRuleTests
{
    private readonly MediaAddressRule _rule = new(Options.Create(new MediaOptions { AllowedPrivateHosts = "127.0.0.1:9000, [::1]:9000, Media.Local:8080" }));

    [Theory]
    [InlineData("127.0.0.1", 9000, "127.0.0.1")]
    [InlineData("[::1]", 9000, "::1")]
    [InlineData("::1", 9000, "::1")]
    [InlineData("media.local", 8080, "10.0.0.5")]
    [InlineData("MEDIA.local", 8080, "192.168.1.2")]
    [InlineData("cdn.example.com", 443, "93.184.215.14")]
    public void FirstRefused_PublicOrAllowListed_IsNull(string host, int port, string address)
    {
        Assert.Null(_rule.FirstRefused(host, port, [IPAddress.Parse(address)]));
    }

    [Theory]
    [InlineData("127.0.0.1", 9001, "127.0.0.1")]
    [InlineData("localhost", 9000, "127.0.0.1")]
    [InlineData("media.local", 8081, "10.0.0.5")]
    [InlineData("cdn.example.com", 443, "10.0.0.5")]
    public void FirstRefused_PrivateAndNotAllowListed_IsTheAddress(string host, int port, string address)
    {
        Assert.Equal(IPAddress.Parse(address), _rule.FirstRefused(host, port, [IPAddress.Parse("8.8.8.8"), IPAddress.Parse(address)]));
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000/v.mp4", false)]
    [InlineData("http://[::1]:9000/v.mp4", false)]
    [InlineData("http://localhost:9000/v.mp4", false)]
    [InlineData("http://10.0.0.5/v.mp4", true)]
    [InlineData("http://127.0.0.1:9001/v.mp4", true)]
    [InlineData("http://2130706433:9001/v.mp4", true)]
    [InlineData("http://[64:ff9b::a00:1]/x.mp4", true)]
    [InlineData("http://[64:ff9b::808:808]/x.mp4", false)]
    [InlineData("https://8.8.8.8/v.mp4", false)]
    public void RefusesLiteral_OnlyIpLiteralsTheRuleRefuses(string url, bool refused)
    {
        Assert.Equal(refused, _rule.RefusesLiteral(new Uri(url)));
    }
}
