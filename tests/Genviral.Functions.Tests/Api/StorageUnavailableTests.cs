using System.Net;
using System.Text;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Genviral.Functions.Tests.Api;

/// <summary>
/// Storage that fails: every table, queue and blob call answers <see cref="Status"/>, or drops the connection when it
/// is 0. A stand-in for an outage at the HTTP level (the app's own storage clients talk to it), not a mocked client.
/// </summary>
public sealed class FailingStorage : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FailingStorage(WebApplication app) => _app = app;

    public int Status { get; set; } = StatusCodes.Status500InternalServerError;

    /// <summary>Requests that reached it: the app's storage clients retry a failure before they give up.</summary>
    public int Requests => _requests;

    public string ConnectionString { get; private set; } = "";

    private int _requests;

    public static async Task<FailingStorage> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var storage = new FailingStorage(app);
        app.Run(context =>
        {
            Interlocked.Increment(ref storage._requests);
            if (storage.Status == 0)
            {
                context.Abort();
                return Task.CompletedTask;
            }

            context.Response.StatusCode = storage.Status;
            return context.Response.WriteAsync("""{"odata.error":{"code":"InternalError","message":{"value":"Simulated failure"}}}""");
        });
        await app.StartAsync();
        var url = app.Urls.First().TrimEnd('/') + "/devstoreaccount1";
        storage.ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint={url};QueueEndpoint={url};TableEndpoint={url};";
        return storage;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The app over <see cref="FailingStorage"/>; nothing is created at start-up, as in Azure.</summary>
public sealed class StorageUnavailableFactory : ApiFactory
{
    public FailingStorage Outage { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Storage:ConnectionString"] = Outage.ConnectionString,
        ["Storage:CreateResources"] = "false",
    };

    public override async ValueTask InitializeAsync()
    {
        Outage = await FailingStorage.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Outage.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>When storage is down, failing or not answering, every answer is 503 storage_unavailable with Retry-After: never a 500.</summary>
public sealed class StorageUnavailableTests(StorageUnavailableFactory factory) : IClassFixture<StorageUnavailableFactory>
{
    // Well-formed, so authentication gets as far as reading the key from storage.
    private const string Token = "gva_live_0123456789ab.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    public static TheoryData<string, string, int> KeyedCalls => new()
    {
        { "GET", "/api/partner/v1/accounts", 500 },
        { "GET", "/api/partner/v1/subscription", 503 },
        { "POST", "/api/partner/v1/posts", 502 },
        { "GET", "/api/partner/v1/posts?limit=5", 500 },
        { "PATCH", "/api/partner/v1/posts/0b6f2c1e-4a7d-4c1b-9a51-2f0e8d9c7b11", 500 },
        { "POST", "/api/partner/v1/posts/delete", 503 },
        { "POST", "/api/partner/v1/analytics/targets/0b6f2c1e-4a7d-4c1b-9a51-2f0e8d9c7b11/refresh", 500 },
        { "GET", "/api/partner/v1/analytics/summary", 0 },
        { "GET", "/api/partner/v1/posts/0b6f2c1e-4a7d-4c1b-9a51-2f0e8d9c7b11", 0 },
    };

    [Theory]
    [MemberData(nameof(KeyedCalls))]
    public async Task KeyedCall_StorageFailing_Answers503StorageUnavailableWithRetryAfter(string method, string path, int storageStatus)
    {
        factory.Outage.Status = storageStatus;
        var before = factory.Outage.Requests;
        using var client = factory.CreateClient(Token);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            request.Content = new StringContent("""{"postIds": ["0b6f2c1e-4a7d-4c1b-9a51-2f0e8d9c7b11"], "caption": "x"}""", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        // The storage client retried before giving up: its first try and two retries.
        Assert.True(factory.Outage.Requests - before >= 3, $"{factory.Outage.Requests - before} storage requests");
    }

    [Fact]
    public async Task Health_StorageFailing_Answers503StorageUnavailableWithRetryAfter()
    {
        factory.Outage.Status = StatusCodes.Status503ServiceUnavailable;
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task KeyedCall_StorageRefusesTheRequest_IsNotMistakenForAnOutage()
    {
        // 403 from storage is the app's own misconfiguration (a wrong key or role), not something to retry.
        factory.Outage.Status = StatusCodes.Status403Forbidden;
        using var client = factory.CreateClient(Token);

        using var response = await client.GetAsync("/api/partner/v1/accounts", TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.InternalServerError, "accounts_failed");
    }
}
