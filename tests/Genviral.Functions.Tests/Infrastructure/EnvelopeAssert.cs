using System.Net;
using System.Text.Json;

namespace Genviral.Functions.Tests.Infrastructure;

internal static class EnvelopeAssert
{
    /// <summary>Asserts a success envelope with the status and message, and returns its data.</summary>
    public static async Task<JsonElement> SuccessAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        var root = await ReadAsync(response);
        Assert.Equal(status, response.StatusCode);
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal((int)status, root.GetProperty("code").GetInt32());
        Assert.Equal(message, root.GetProperty("message").GetString());
        Assert.False(root.TryGetProperty("error_code", out _));
        return root.GetProperty("data");
    }

    /// <summary>Asserts a failure envelope: status, code equal to it, the error_code, a message, and no data.</summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string errorCode)
    {
        var root = await ReadAsync(response);
        Assert.Equal(status, response.StatusCode);
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal((int)status, root.GetProperty("code").GetInt32());
        Assert.Equal(errorCode, root.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("message").GetString()));
        Assert.False(root.TryGetProperty("data", out _));
        return root;
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
