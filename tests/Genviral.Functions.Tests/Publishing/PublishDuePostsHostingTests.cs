using System.Globalization;
using Cronos;
using Genviral.Core.Accounts;
using Genviral.Core.Storage;
using Genviral.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;

namespace Genviral.Functions.Tests.Publishing;

/// <summary>PublishDuePosts as the Functions host invokes it: one invocation per occurrence, with the host's TimerInfo.</summary>
public sealed class PublishDuePostsInvocationTests(PublishingFactory factory) : PublishingTestBase(factory), IClassFixture<PublishingFactory>
{
    [Fact]
    public async Task TimerInvocation_DuePost_Published()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Tiktok);
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        var now = Factory.Time.GetUtcNow();
        var timer = new TimerInfo
        {
            IsPastDue = false,
            ScheduleStatus = new ScheduleStatus { Last = now.AddMinutes(-1).UtcDateTime, Next = now.AddMinutes(1).UtcDateTime, LastUpdated = now.UtcDateTime },
        };

        await Factory.TimerWork("PublishDuePosts").RunAsync(timer, Ct);

        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
        Assert.Single(PublishedWith(caption));
    }
}

/// <summary>PublishDuePosts under the standalone leased timer, including the past-due run after downtime.</summary>
public sealed class PublishDuePostsStandaloneTests(PublishingFactory factory) : PublishingTestBase(factory), IClassFixture<PublishingFactory>
{
    [Fact]
    public async Task PastDueRunAfterDowntime_EveryOverduePost_PublishedOnce()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Tiktok);
        using var client = Factory.CreateClient(tenant.Token);
        var captions = Enumerable.Range(1, 3).Select(_ => Caption()).ToList();
        var ids = new List<string>();
        for (var i = 0; i < captions.Count; i++)
        {
            var body = Video(captions[i], account.Id);
            body["scheduled_at"] = Factory.Time.GetUtcNow().AddHours(i + 1).ToString("O", CultureInfo.InvariantCulture);
            ids.Add(await CreateReadyAsync(tenant, client, body));
        }

        var function = Factory.TimerWork("PublishDuePosts");
        var cron = CronExpression.Parse(function.Schedule, CronFormat.IncludeSeconds);
        var blob = Factory.Storage.Container(StorageNames.LocksContainer).GetBlobClient("timers/" + function.Name);
        await blob.UploadAsync(BinaryData.Empty, overwrite: true, Ct);
        var timer = new StandaloneTimer([function], Factory.Storage, Factory.Time, NullLogger<StandaloneTimer>.Instance);
        Advance(TimeSpan.FromHours(4));
        var missed = cron.GetNextOccurrence(Factory.Time.GetUtcNow().AddHours(-4), TimeZoneInfo.Utc)!.Value;

        var ran = await timer.RunOnceAsync(function, cron, blob, missed, isPastDue: true, Ct);
        Advance(TimeSpan.FromMinutes(1));
        var next = cron.GetNextOccurrence(Factory.Time.GetUtcNow().AddMinutes(-1), TimeZoneInfo.Utc)!.Value;
        var ranAgain = await timer.RunOnceAsync(function, cron, blob, next, isPastDue: false, Ct);

        Assert.True(ran);
        Assert.True(ranAgain);
        Assert.All(captions, c => Assert.Single(PublishedWith(c)));
        foreach (var id in ids)
        {
            Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
        }
    }

    [Fact]
    public void Schedule_FromTheAppSetting_DefaultsToEveryMinute()
    {
        var function = Factory.TimerWork("PublishDuePosts");

        Assert.Equal("0 * * * * *", function.Schedule);
    }
}
