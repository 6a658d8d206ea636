using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Genviral.Functions.Hosting;
using Genviral.Testing;
using Microsoft.AspNetCore.Builder;

namespace Genviral.Functions.Tests.Hosting;

/// <summary>
/// Standalone mode on a real Kestrel listener, for what the test server of WebApplicationFactory skips: Kestrel parses
/// the raw request. Raw bytes go over a socket, as HttpClient will not send a non-ASCII header.
/// </summary>
public sealed class KestrelTests : IAsyncLifetime
{
    private readonly string _prefix = TestStorage.NewPrefix();
    private WebApplication _app = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await StandaloneHost.BuildAsync([
            "--urls", "http://127.0.0.1:0", "--Storage:ConnectionString", TestStorage.ConnectionString, "--Storage:Prefix", _prefix,
            "--Standalone:BackgroundWork", "false",
        ]);
        await _app.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await TestStorage.DeleteAsync(_prefix);
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0xA9, 0xC3, 0xA9 })]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x80 })]
    public async Task NonAsciiAuthorizationHeader_Returns401InvalidTokenEnvelope(byte[] token)
    {
        byte[] request =
        [
            .. "GET /api/partner/v1/accounts HTTP/1.0\r\nHost: localhost\r\nAuthorization: Bearer "u8, .. token, .. "\r\n\r\n"u8,
        ];

        var (status, body) = await SendRawAsync(request);

        Assert.Equal(401, status);
        using var document = JsonDocument.Parse(body);
        Assert.False(document.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(401, document.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("invalid_token", document.RootElement.GetProperty("error_code").GetString());
    }

    private async Task<(int Status, string Body)> SendRawAsync(byte[] request)
    {
        var ct = TestContext.Current.CancellationToken;
        var url = new Uri(_app.Urls.Single());
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port, ct);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(request, ct);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var response = await reader.ReadToEndAsync(ct);
        var status = int.Parse(response.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        // HTTP/1.0: the body is not chunked and ends when the server closes the connection.
        return (status, response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }
}
