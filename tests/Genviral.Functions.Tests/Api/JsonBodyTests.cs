using System.Text;
using System.Text.Json;
using Genviral.Functions.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Genviral.Functions.Tests.Api;

public sealed class JsonBodyTests
{
    private readonly JsonBody _reader = new(Options.Create(new ApiOptions { MaxRequestBodyBytes = 2048 }));

    [Theory]
    [InlineData("{", 400, "invalid_json")]
    [InlineData("", 400, "invalid_json")]
    [InlineData("{\"a\":1,}", 400, "invalid_json")]
    [InlineData("[1,2]", 422, "invalid_payload")]
    [InlineData("\"text\"", 422, "invalid_payload")]
    [InlineData("null", 422, "invalid_payload")]
    public async Task ReadObjectAsync_BadJson_ReturnsDocumentedError(string body, int status, string code)
    {
        var request = Request(body, "application/json");

        var (_, error) = await _reader.ReadObjectAsync(request, 422, TestContext.Current.CancellationToken);

        Assert.NotNull(error);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(code, error.ErrorCode);
    }

    public static TheoryData<string, byte[]> InvalidUtf8Bodies() => new()
    {
        { "byte 0xFF inside a string", [.. "{\"caption\":\"a"u8, 0xFF, .. "b\"}"u8] },
        { "byte 0xFF in a key", [.. "{\"cap"u8, 0xFF, .. "\":\"a\"}"u8] },
        { "lone continuation byte", [.. "{\"caption\":\""u8, 0x80, .. "\"}"u8] },
        { "overlong form of /", [.. "{\"caption\":\""u8, 0xC0, 0xAF, .. "\"}"u8] },
        { "UTF-8-encoded surrogate", [.. "{\"caption\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8] },
        { "truncated sequence", [.. "{\"caption\":\""u8, 0xE2, 0x82, .. "\"}"u8] },
        { "escaped lone surrogate", "{\"caption\":\"a\\ud800b\"}"u8.ToArray() },
        { "escaped lone surrogate in a key", "{\"\\udc00\":1}"u8.ToArray() },
        { "UTF-16 with a byte order mark", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("{\"caption\":\"a\"}")] },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8Bodies))]
    public async Task ReadObjectAsync_InvalidUtf8_Returns400InvalidJson(string description, byte[] body)
    {
        var (_, error) = await _reader.ReadObjectAsync(Request(body, "application/json"), 422, TestContext.Current.CancellationToken);

        Assert.True(error is not null, description);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("invalid_json", error.ErrorCode);
    }

    [Fact]
    public async Task ReadObjectAsync_ValidUnicodeAndEscapes_ReturnsThem()
    {
        var body = "{\"caption\":\"caf\u00e9 \ud83d\ude00 \\ud83d\\ude00 \\u00e9\"}"u8.ToArray();

        var (element, error) = await _reader.ReadObjectAsync(Request(body, "application/json"), 422, TestContext.Current.CancellationToken);

        Assert.Null(error);
        Assert.Equal("caf\u00e9 \ud83d\ude00 \ud83d\ude00 \u00e9", element.GetProperty("caption").GetString());
    }

    [Fact]
    public async Task ReadObjectAsync_InvalidPayloadStatus_FollowsTheEndpoint()
    {
        var (_, error) = await _reader.ReadObjectAsync(Request("[]", "application/json"), 400, TestContext.Current.CancellationToken);

        Assert.Equal(400, error?.StatusCode);
        Assert.Equal("invalid_payload", error?.ErrorCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=latin1")]
    [InlineData(null)]
    public async Task ReadObjectAsync_WrongContentType_Returns415(string? contentType)
    {
        var (_, error) = await _reader.ReadObjectAsync(Request("{}", contentType), 422, TestContext.Current.CancellationToken);

        Assert.Equal(415, error?.StatusCode);
        Assert.Equal("unsupported_media_type", error?.ErrorCode);
    }

    [Fact]
    public async Task ReadObjectAsync_BodyOverLimitWithoutContentLength_Returns413()
    {
        var request = Request("{\"a\":\"" + new string('x', 4096) + "\"}", "application/json");
        request.ContentLength = null;

        var (_, error) = await _reader.ReadObjectAsync(request, 422, TestContext.Current.CancellationToken);

        Assert.Equal(413, error?.StatusCode);
        Assert.Equal("payload_too_large", error?.ErrorCode);
    }

    [Fact]
    public async Task ReadObjectAsync_DeclaredLengthOverLimit_Returns413WithoutReading()
    {
        var request = Request("{}", "application/json");
        request.ContentLength = 1_000_000;

        var (_, error) = await _reader.ReadObjectAsync(request, 422, TestContext.Current.CancellationToken);

        Assert.Equal(413, error?.StatusCode);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/merge-patch+json")]
    public async Task ReadObjectAsync_Object_ReturnsIt(string contentType)
    {
        var (body, error) = await _reader.ReadObjectAsync(Request("{\"caption\":\"hi\"}", contentType), 422, TestContext.Current.CancellationToken);

        Assert.Null(error);
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Equal("hi", body.GetProperty("caption").GetString());
    }

    [Fact]
    public async Task ApiError_WritesTheEnvelopeWithIssues()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var error = new ApiError(400, "validation_failed", "Invalid post", [new FieldIssue("caption", "Too long")]);

        await error.ExecuteAsync(context);

        context.Response.Body.Position = 0;
        using var document = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        var root = document.RootElement;
        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal(400, root.GetProperty("code").GetInt32());
        Assert.Equal("validation_failed", root.GetProperty("error_code").GetString());
        Assert.Equal("caption", root.GetProperty("issues")[0].GetProperty("field").GetString());
        Assert.False(root.TryGetProperty("data", out _));
    }

    private static HttpRequest Request(string body, string? contentType) => Request(Encoding.UTF8.GetBytes(body), contentType);

    private static HttpRequest Request(byte[] bytes, string? contentType)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentType = contentType;
        context.Request.ContentLength = bytes.Length;
        return context.Request;
    }
}
