using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Cronos;
using Genviral.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Hosting;

/// <summary>
/// Standalone mode's timer trigger. Every instance schedules every timer, but a run happens only under a
/// lease on the timer's blob in the locks container, and the blob's metadata records the last occurrence run,
/// so an occurrence runs once however many instances there are. As with the host's schedule monitor, an
/// occurrence missed while no instance was up runs once at start-up with IsPastDue, and a run that fails is not
/// retried: it is logged, the occurrence counts as run, and the next one comes on schedule.
/// </summary>
internal sealed partial class StandaloneTimer(
    IEnumerable<StandaloneTimerWork> functions,
    StorageClients storage,
    TimeProvider time,
    ILogger<StandaloneTimer> logger) : BackgroundService
{
    private const string LastRunKey = "last_occurrence";
    // The shortest lease blob storage grants, renewed every third of it while a run lasts: an instance that dies
    // mid-run holds the timer up for 15 s at most, not a minute.
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(15);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(functions.Select(f => ScheduleAsync(f, stoppingToken)));

    private async Task ScheduleAsync(StandaloneTimerWork function, CancellationToken stoppingToken)
    {
        var cron = CronExpression.Parse(function.Schedule, CronFormat.IncludeSeconds);
        var blob = storage.Container(StorageNames.LocksContainer).GetBlobClient("timers/" + function.Name);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var last = await ReadLastAsync(blob, stoppingToken);
                var now = time.GetUtcNow();
                var missed = last is null ? null : cron.GetNextOccurrence(last.Value, TimeZoneInfo.Utc);
                if (missed is { } m && m <= now)
                {
                    await RunOnceAsync(function, cron, blob, m, isPastDue: true, stoppingToken);
                    continue;
                }

                var next = cron.GetNextOccurrence(now, TimeZoneInfo.Utc);
                if (next is null)
                {
                    return;
                }

                await Task.Delay(next.Value - now, time, stoppingToken);
                await RunOnceAsync(function, cron, blob, next.Value, isPastDue: false, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Storage trouble (the lock blob, its lease): the occurrence has not run, so the next look runs it.
                LogStorageFailed(logger, e, function.Name);
                try
                {
                    await Task.Delay(RetryDelay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Runs <paramref name="occurrence"/> if this instance gets the lease and nobody ran it yet; true when it ran, whether or not the run failed.</summary>
    internal async Task<bool> RunOnceAsync(
        StandaloneTimerWork function, CronExpression cron, BlobClient blob, DateTimeOffset occurrence, bool isPastDue, CancellationToken stoppingToken)
    {
        var lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(LeaseDuration, cancellationToken: stoppingToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }

        try
        {
            var last = await ReadLastAsync(blob, stoppingToken);
            if (last >= occurrence)
            {
                return false;
            }

            var runStart = time.GetUtcNow();
            using var renewal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var renewing = RenewAsync(lease, renewal.Token);
            try
            {
                var timer = new TimerInfo
                {
                    IsPastDue = isPastDue,
                    ScheduleStatus = new ScheduleStatus
                    {
                        Last = (last ?? DateTimeOffset.MinValue).UtcDateTime,
                        Next = (cron.GetNextOccurrence(occurrence, TimeZoneInfo.Utc) ?? DateTimeOffset.MaxValue).UtcDateTime,
                        LastUpdated = runStart.UtcDateTime,
                    },
                };
                await function.RunAsync(timer, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRunFailed(logger, e, function.Name);
            }
            finally
            {
                await renewal.CancelAsync();
                await renewing;
            }

            // One catch-up run covers every occurrence that was overdue when it started, so record the latest of them.
            var recorded = cron.GetOccurrences(occurrence, runStart, TimeZoneInfo.Utc, fromInclusive: true, toInclusive: true)
                .DefaultIfEmpty(occurrence).Last();
            await blob.SetMetadataAsync(
                new Dictionary<string, string> { [LastRunKey] = recorded.ToString("O", CultureInfo.InvariantCulture) },
                new BlobRequestConditions { LeaseId = lease.LeaseId },
                CancellationToken.None);
            return true;
        }
        finally
        {
            await lease.ReleaseAsync(cancellationToken: CancellationToken.None);
        }
    }

    private static async Task<DateTimeOffset?> ReadLastAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            return properties.Value.Metadata.TryGetValue(LastRunKey, out var text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var last)
                    ? last
                    : null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // First start ever: create the lock blob; the timer has no missed occurrence to make up.
            try
            {
                await blob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken);
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                // Another instance created it first.
            }

            return null;
        }
    }

    private async Task RenewAsync(BlobLeaseClient lease, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(LeaseDuration / 3, time, cancellationToken);
                await lease.RenewAsync(cancellationToken: cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The run finished.
        }
        catch (Exception e) when (e is RequestFailedException || StorageFailures.IsUnavailable(e, cancellationToken))
        {
            LogRenewFailed(logger, e, lease.Uri.AbsolutePath);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer {Function} failed; it runs again at its next occurrence")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {Function} could not reach its lock blob; trying again shortly")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew timer lease {Blob}")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string blob);
}

/// <summary>A timer function as standalone mode runs it: its resolved six-field NCRONTAB schedule and how to invoke it.</summary>
internal sealed record StandaloneTimerWork(string Name, string Schedule, Func<TimerInfo, CancellationToken, Task> RunAsync);
