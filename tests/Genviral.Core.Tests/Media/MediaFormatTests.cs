using System.Text;
using Genviral.Core.Media;

namespace Genviral.Core.Tests.Media;

public sealed class MediaFormatTests
{
    [Theory]
    [InlineData("00000018667479706973366f6d", "mp4")]
    [InlineData("0000001c667479704d344120", "mp4")]
    [InlineData("00000014667479707174202000", "mov")]
    [InlineData("0000001c667479704d345620", "m4v")]
    [InlineData("52494646000000004156492000", "avi")]
    [InlineData("ffd8ffe0", "jpg")]
    [InlineData("89504e470d0a1a0a0000000d", "png")]
    public void KnownSignature_IsDetected(string hex, string extension)
    {
        Assert.Equal(extension, MediaFormat.Detect(Convert.FromHexString(hex))?.Extension);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ffd8")]
    [InlineData("52494646000000005741564500")]
    [InlineData("0000001866747970")]
    [InlineData("89504e470d0a1a")]
    public void UnknownOrTruncatedSignature_IsNotDetected(string hex)
    {
        Assert.Null(MediaFormat.Detect(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Text_IsNotDetected()
    {
        Assert.Null(MediaFormat.Detect(Encoding.ASCII.GetBytes("<!doctype html><html>")));
    }

    [Fact]
    public void AllowedPrivateHosts_AreTrimmedAndCaseInsensitive()
    {
        var options = new MediaOptions { AllowedPrivateHosts = " LocalHost:8080 ,127.0.0.1:9000,," };

        Assert.Equal(["127.0.0.1:9000", "localhost:8080"], options.AllowedPrivateHostSet().Order(StringComparer.Ordinal));
    }
}
