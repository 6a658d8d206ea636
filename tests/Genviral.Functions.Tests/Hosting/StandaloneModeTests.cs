using System.Collections.Concurrent;
using System.Net;
using Genviral.Core.Storage;
using Genviral.Functions.Hosting;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Genviral.Functions.Tests.Hosting;

/// <summary>A queue function that always fails, recording each attempt, to watch the poison rule.</summary>
internal sealed class FailingFunction
{
    public const string QueueName = "always-fails";

    public ConcurrentQueue<FunctionInvoker.Trigger> Attempts { get; } = new();

    public StandaloneQueueWork Work => new("AlwaysFails", QueueName, (trigger, _) =>
    {
        Attempts.Enqueue(trigger);
        throw new InvalidOperationException("simulated failure");
    });
}

public sealed class StandaloneFactory : ApiFactory
{
    internal FailingFunction Failing { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Standalone:BackgroundWork"] = "true",
        ["Queues:MaxDequeueCount"] = "2",
        ["Queues:VisibilityTimeout"] = "00:00:00",
        ["Queues:MaxPollingInterval"] = "00:00:00.200",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton(Failing.Work));
    }

    public override async ValueTask InitializeAsync()
    {
        var clients = Genviral.Testing.TestStorage.Clients(Prefix);
        await clients.Queue(FailingFunction.QueueName).CreateIfNotExistsAsync();
        await clients.Queue(StorageNames.PoisonQueue(FailingFunction.QueueName)).CreateIfNotExistsAsync();
        await base.InitializeAsync();
    }
}

/// <summary>The app as its own host: it consumes its queues itself, with the same poison rule as the Functions host.</summary>
public sealed class StandaloneModeTests(StandaloneFactory factory) : IClassFixture<StandaloneFactory>
{
    [Fact]
    public async Task AuthenticatedRequest_KeyUsageIsRecordedByTheInProcessConsumer()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await factory.CreateTenantAsync();
        Assert.Null((await factory.Keys.GetAsync(tenant.PublicId, ct))?.LastUsedAt);
        using var client = factory.CreateClient(tenant.Token);

        using var response = await client.GetAsync("/api/partner/v1/accounts", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await Poll.UntilAsync(async () => (await factory.Keys.GetAsync(tenant.PublicId, ct))?.LastUsedAt is not null));
    }

    [Fact]
    public async Task FailingMessage_IsTriedMaxDequeueCountTimesThenMovedToPoison()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = factory.Storage.Queue(FailingFunction.QueueName);
        var poison = factory.Storage.Queue(StorageNames.PoisonQueue(FailingFunction.QueueName));
        var body = "{\"id\":\"" + Guid.NewGuid() + "\"}";

        await queue.SendMessageAsync(body, ct);

        Assert.True(await Poll.UntilAsync(async () => (await poison.PeekMessagesAsync(32, ct)).Value.Any(m => m.Body.ToString() == body)));
        var attempts = factory.Failing.Attempts.Where(a => a.Message == body).ToList();
        Assert.Equal([1L, 2L], attempts.Select(a => a.DequeueCount));
        Assert.Equal([false, true], attempts.Select(a => factory.Services.GetRequiredService<IOptions<QueueOptions>>().Value.IsLastAttempt(a.DequeueCount)));
        Assert.Empty((await queue.PeekMessagesAsync(32, ct)).Value);
    }
}
