using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Bench.Reliability;

/// <summary>A scope's posts as storage holds them, and every way they disagree with their index rows, counters and due entries.</summary>
/// <param name="MissingIndexRows">Post rows without their created or status index row.</param>
/// <param name="StrayIndexRows">Index rows without a post, or in a status the post is not in.</param>
/// <param name="CounterDrift">Sum over statuses of |counter shards − post rows|.</param>
/// <param name="UnscheduledIds">Posts with work left for the publisher but no due entry.</param>
internal sealed record PostAudit(IReadOnlyList<Post> Posts, int MissingIndexRows, int StrayIndexRows, long CounterDrift, IReadOnlySet<string> UnscheduledIds)
{
    public int Unscheduled => UnscheduledIds.Count;

    public long HalfWritten => MissingIndexRows + StrayIndexRows + CounterDrift + Unscheduled;

    /// <summary>A few words on each of the first <paramref name="max"/> account states left unfinished, for the report.</summary>
    public string Unfinished(Func<Post, bool> which, int max = 8) => string.Join("; ", Posts.Where(which)
        .SelectMany(p => p.States.Where(s => s.Status is not (PostStatus.Posted or PostStatus.Failed)).Select(s => (p, s)))
        .Take(max)
        .Select(x => $"{x.s.Platform} {x.s.Status} attempts={x.s.Attempts} media_ready={x.p.MediaState.Ready} due_entry={!UnscheduledIds.Contains(x.p.Id)} "
            + $"claim_until={x.s.Publishing?.ClaimedUntil:HH:mm:ss} next={x.s.Publishing?.NextAttemptAt:HH:mm:ss} error={x.s.ErrorMessage}"));
}

/// <summary>
/// An owner's credits against its refreshes. The rule: credits used = paid refreshes completed or still running.
/// </summary>
/// <param name="ChargedWithoutRefresh">Charges (not refunded) whose refresh row does not exist.</param>
/// <param name="FailedNotRefunded">Paid refreshes that failed and were not refunded.</param>
/// <param name="RefreshWithoutCharge">Paid refreshes with no charge, or completed/running ones whose charge was refunded.</param>
/// <param name="LedgerDrift">|credits used − (charges − refunds)|: the pool moved other than its markers say.</param>
internal sealed record CreditAudit(
    int Used, int PaidActive, int Refreshes, int Running, int ChargedWithoutRefresh, int FailedNotRefunded, int RefreshWithoutCharge, int LedgerDrift)
{
    public int IdentityMismatch => Math.Abs(Used - PaidActive);
}

/// <summary>The media container against the posts that show its blobs.</summary>
/// <param name="Orphans">Committed blobs (staging ones included) that no post shows.</param>
/// <param name="Missing">Blobs a post shows that do not exist.</param>
/// <param name="UncommittedStaging">Staging blobs with uncommitted blocks only (the storage service drops those after a week).</param>
internal sealed record MediaAudit(int Blobs, int Orphans, int StagingOrphans, int Missing, int UncommittedStaging);

/// <summary>Reads storage directly, as an operator would, to check what the API answers cannot show.</summary>
internal static class Inspection
{
    public static async Task<PostAudit> PostsAsync(StorageClients storage, Scope scope, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in storage.Table(StorageNames.PostsTable).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {scope.PartitionKey}"), cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        var posts = rows.Where(r => r.RowKey.StartsWith(PostKeys.PostPrefix, StringComparison.Ordinal)).Select(PostEntity.ToPost).ToList();
        var keys = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var expectedIndex = posts.SelectMany(p => new[] { PostKeys.Created(p.CreatedAt, p.Id), PostKeys.Status(p.Status, p.CreatedAt, p.Id) }).ToHashSet(StringComparer.Ordinal);
        var missing = expectedIndex.Count(k => !keys.Contains(k));
        var stray = rows.Count(r => (r.RowKey.StartsWith(PostKeys.CreatedPrefix, StringComparison.Ordinal) || r.RowKey.StartsWith(PostKeys.StatusPrefix, StringComparison.Ordinal))
            && !expectedIndex.Contains(r.RowKey));
        var drift = Enum.GetValues<PostStatus>().Sum(s => Math.Abs(
            rows.Where(r => r.RowKey.StartsWith(PostKeys.CounterPrefix, StringComparison.Ordinal)).Sum(r => r.GetInt64(s.ToString()) ?? 0)
            - posts.Count(p => p.Status == s)));

        var due = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entry in storage.Table(StorageNames.ScheduleTable).QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: cancellationToken))
        {
            due.Add(entry.RowKey);
        }

        var unscheduled = posts.Where(p => p.States.Any(s => s.Status is PostStatus.Pending or PostStatus.Scheduled or PostStatus.Retry)
            && p.Status != PostStatus.Draft && !due.Contains(PostSchedule.Row(scope, p.Id))).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return new PostAudit(posts, missing, stray, drift, unscheduled);
    }

    public static async Task<CreditAudit> CreditsAsync(StorageClients storage, Scope scope, CancellationToken cancellationToken)
    {
        var subscription = await storage.Table(StorageNames.TenantsTable).GetEntityAsync<TableEntity>(scope.PartitionKey, "subscription", cancellationToken: cancellationToken);
        var charges = new HashSet<string>(StringComparer.Ordinal);
        var refunds = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var marker in storage.Table(StorageNames.TenantsTable).QueryAsync<TableEntity>(
            Range(scope, "credit|"), cancellationToken: cancellationToken))
        {
            (marker.RowKey.StartsWith("credit|charge|", StringComparison.Ordinal) ? charges : refunds).Add(marker.RowKey[(marker.RowKey.LastIndexOf('|') + 1)..]);
        }

        var refreshes = new List<(string Id, string Status, int Credits)>();
        await foreach (var row in storage.Table(StorageNames.AnalyticsTable).QueryAsync<TableEntity>(
            Range(scope, "refresh|"), cancellationToken: cancellationToken))
        {
            refreshes.Add((row.GetString("Id"), row.GetString("Status"), row.GetInt32("CreditsUsed") ?? 0));
        }

        var ids = refreshes.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var paid = refreshes.Where(r => r.Credits > 0).ToList();
        var active = paid.Where(r => r.Status is "pending" or "processing" or "completed").ToList();
        var used = subscription.Value.GetInt32("CreditsUsed") ?? 0;
        return new CreditAudit(
            used,
            active.Sum(r => r.Credits),
            refreshes.Count,
            refreshes.Count(r => r.Status is "pending" or "processing"),
            charges.Count(c => !refunds.Contains(c) && !ids.Contains(c)),
            paid.Count(r => r.Status == "failed" && charges.Contains(r.Id) && !refunds.Contains(r.Id)),
            paid.Count(r => !charges.Contains(r.Id)) + active.Count(r => refunds.Contains(r.Id)),
            Math.Abs(used - (charges.Count - refunds.Count)));
    }

    /// <summary>Every blob of the media container against the posts of <paramref name="scopes"/> (which must be all scopes with media).</summary>
    public static async Task<MediaAudit> MediaAsync(StorageClients storage, IEnumerable<Scope> scopes, CancellationToken cancellationToken)
    {
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            foreach (var post in (await PostsAsync(storage, scope, cancellationToken)).Posts)
            {
                shown.UnionWith(post.MediaState.Blobs ?? []);
            }
        }

        var container = storage.Container(StorageNames.MediaContainer);
        var committed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken))
        {
            committed.Add(blob.Name);
        }

        var uncommitted = 0;
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.Uncommitted, prefix: null, cancellationToken))
        {
            uncommitted += committed.Contains(blob.Name) ? 0 : 1;
        }

        var orphans = committed.Where(b => !shown.Contains(b)).ToList();
        return new MediaAudit(
            committed.Count,
            orphans.Count,
            orphans.Count(b => b.StartsWith(Genviral.Core.Media.MediaRehoster.StagingPrefix, StringComparison.Ordinal)),
            shown.Count(b => !committed.Contains(b)),
            uncommitted);
    }

    private static string Range(Scope scope, string prefix) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {scope.PartitionKey} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
}
