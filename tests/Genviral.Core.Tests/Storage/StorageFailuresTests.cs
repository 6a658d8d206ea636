using System.Net;
using System.Net.Sockets;
using Azure;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Tests.Storage;

/// <summary>Which storage failures mean "unavailable, try again shortly", and what the configured clients throw when nothing answers.</summary>
public sealed class StorageFailuresTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public void IsUnavailable_NoAnswerTimeoutThrottlingOrServerError_IsTrue(int status) =>
        Assert.True(StorageFailures.IsUnavailable(new RequestFailedException(status, "storage failed"), CancellationToken.None));

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(412)]
    public void IsUnavailable_RequestRefusedOrConflict_IsFalse(int status) =>
        Assert.False(StorageFailures.IsUnavailable(new RequestFailedException(status, "refused"), CancellationToken.None));

    [Fact]
    public void IsUnavailable_RetriesRanOutOnRefusedConnectionsAndTimeouts_IsTrue()
    {
        var exhausted = new AggregateException(new RequestFailedException("Connection refused"), new TaskCanceledException("timed out"), new IOException("reset"));

        Assert.True(StorageFailures.IsUnavailable(exhausted, CancellationToken.None));
    }

    [Fact]
    public void IsUnavailable_AggregateWithSomethingElse_IsFalse()
    {
        var mixed = new AggregateException(new RequestFailedException("Connection refused"), new InvalidOperationException("a bug"));

        Assert.False(StorageFailures.IsUnavailable(mixed, CancellationToken.None));
        Assert.False(StorageFailures.IsUnavailable(new InvalidOperationException("a bug"), CancellationToken.None));
    }

    [Fact]
    public void IsUnavailable_CancellationTheCallerAskedFor_IsFalse_AnyOtherIsATimeout()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(StorageFailures.IsUnavailable(new OperationCanceledException(cancelled.Token), cancelled.Token));
        Assert.True(StorageFailures.IsUnavailable(new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout"), CancellationToken.None));
    }

    [Fact]
    public async Task StorageClients_NothingListening_EveryServiceFailsAsUnavailable()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = ClosedPort();
        var storage = new StorageClients(Options.Create(new StorageOptions
        {
            ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;",
        }));

        var table = await Record.ExceptionAsync(() => storage.Table(StorageNames.PostsTable).GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("p", "r", cancellationToken: ct));
        var queue = await Record.ExceptionAsync(() => storage.Queue(StorageNames.MediaRehostQueue).SendMessageAsync("m", ct));
        var blob = await Record.ExceptionAsync(() => storage.Container(StorageNames.MediaContainer).GetBlobClient("b").ExistsAsync(ct));

        Assert.All([table, queue, blob], e => Assert.True(e is not null && StorageFailures.IsUnavailable(e, ct), e?.ToString()));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
