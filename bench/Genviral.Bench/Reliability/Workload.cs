using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Genviral.Bench.Reliability;

/// <summary>One HTTP call of a workload: when it started (seconds into the run), how long it took, and how it ended (status 0: no answer).</summary>
internal sealed record Call(double StartS, double LatencyMs, string Op, int Status, string? ErrorCode, bool RetryAfter, bool Envelope);

/// <summary>What one answer said: its status, error_code, data and ETag.</summary>
internal sealed record Reply(int Status, string? ErrorCode, JsonElement Data, string? ETag);

/// <summary>
/// A workspace the mixed workload writes to, with what it knows must be there: the posts it created (and not
/// deleted), the creates it may replay, and the posts it deleted.
/// </summary>
internal sealed class LoadTenant(Tenant tenant, HttpClient http, string mediaUrl, IReadOnlyList<string> targetIds)
{
    private readonly List<string> _ids = [];
    private readonly List<string> _plain = [];
    private readonly List<Replay> _replays = [];

    public Tenant Tenant => tenant;

    public HttpClient Http => http;

    public string MediaUrl => mediaUrl;

    public IReadOnlyList<string> TargetIds => targetIds;

    /// <summary>Created (201) and not deleted: each must be readable and counted afterwards.</summary>
    public ConcurrentDictionary<string, bool> Live { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, bool> Deleted { get; } = new(StringComparer.Ordinal);

    public void Created(string id, Replay? replay)
    {
        Live[id] = true;
        lock (_ids)
        {
            _ids.Add(id);
            if (replay is null)
            {
                _plain.Add(id);
            }
            else
            {
                _replays.Add(replay);
            }
        }
    }

    public string? AnyLive()
    {
        lock (_ids)
        {
            for (var i = 0; i < 4 && _ids.Count > 0; i++)
            {
                var id = _ids[Random.Shared.Next(_ids.Count)];
                if (Live.ContainsKey(id))
                {
                    return id;
                }
            }
        }

        return null;
    }

    public Replay? AnyReplay()
    {
        lock (_ids)
        {
            return _replays.Count == 0 ? null : _replays[Random.Shared.Next(_replays.Count)];
        }
    }

    /// <summary>Takes a post created without an idempotency key off the live list, to delete it (a replay of a deleted post may rightly make a new one).</summary>
    public string? TakeForDelete()
    {
        lock (_ids)
        {
            while (_plain.Count > 0)
            {
                var i = Random.Shared.Next(_plain.Count);
                var id = _plain[i];
                _plain.RemoveAt(i);
                if (Live.TryRemove(id, out _))
                {
                    return id;
                }
            }
        }

        return null;
    }
}

/// <summary>A create that must answer 200 duplicate with <see cref="PostId"/> when sent again.</summary>
internal sealed record Replay(string Body, string? IdempotencyKey, string PostId);

/// <summary>
/// The mixed workload of the sustained-load and outage scenarios, closed-loop: each worker runs one operation after
/// another, drawn by weight: reads, creates with and without external_id or Idempotency-Key, replays of those,
/// PATCHes with If-Match, list pages followed by their cursors, deletes, analytics refresh calls. Every answer is
/// checked against what the operation allows, and every call is logged with its time and outcome.
/// </summary>
internal sealed class MixedLoad(IReadOnlyList<LoadTenant> tenants)
{
    private const string Api = "/api/partner/v1";

    private static readonly (string Op, int Weight)[] Operations =
    [
        ("read", 26), ("create", 10), ("create_external_id", 8), ("create_idempotency_key", 5), ("replay", 8), ("patch_if_match", 12),
        ("list_cursor", 12), ("delete", 5), ("refresh", 5), ("accounts", 5), ("subscription", 4),
    ];

    private static readonly int TotalWeight = Operations.Sum(o => o.Weight);

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Replays that made a second post or named another one.</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>Answers no operation allows (other than 5xx and no answer), by op and status.</summary>
    public ConcurrentDictionary<string, int> Unexpected { get; } = new(StringComparer.Ordinal);

    private int _duplicates;

    /// <summary>
    /// Runs <paramref name="concurrency"/> workers for <paramref name="duration"/> or until <paramref name="stop"/>
    /// (calls under way then still finish); returns the calls they made.
    /// </summary>
    public async Task<IReadOnlyList<Call>> RunAsync(int concurrency, TimeSpan duration, CancellationToken cancellationToken, CancellationToken stop = default)
    {
        var before = Calls.Count;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline && !stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                await OneAsync(tenants[Random.Shared.Next(tenants.Count)], cancellationToken);
            }
        }, cancellationToken)));
        return [.. Calls.Skip(before)];
    }

    private Task OneAsync(LoadTenant t, CancellationToken ct)
    {
        var pick = Random.Shared.Next(TotalWeight);
        var op = Operations.First(o => (pick -= o.Weight) < 0).Op;
        return op switch
        {
            "read" => ReadAsync(t, ct),
            "create" => CreateAsync(t, op, externalId: null, idempotencyKey: null, ct),
            "create_external_id" => CreateAsync(t, op, Guid.NewGuid().ToString("N"), null, ct),
            "create_idempotency_key" => CreateAsync(t, op, null, Guid.NewGuid().ToString("N"), ct),
            "replay" => ReplayAsync(t, ct),
            "patch_if_match" => PatchAsync(t, ct),
            "list_cursor" => ListAsync(t, ct),
            "delete" => DeleteAsync(t, ct),
            "refresh" => RefreshAsync(t, ct),
            "accounts" => ExpectAsync(t, op, HttpMethod.Get, $"{Api}/accounts", [200], ct),
            _ => ExpectAsync(t, op, HttpMethod.Get, $"{Api}/subscription", [200], ct),
        };
    }

    /// <summary>A post's JSON body: due at once when <paramref name="scheduledAt"/> is null.</summary>
    public static string PostBody(string caption, IEnumerable<string> accountIds, string mediaUrl, DateTimeOffset? scheduledAt, string? externalId = null)
    {
        var body = new JsonObject
        {
            ["caption"] = caption,
            ["accounts"] = new JsonArray([.. accountIds.Select(id => (JsonNode)new JsonObject { ["id"] = id })]),
            ["media"] = new JsonObject { ["type"] = "video", ["url"] = mediaUrl },
        };
        if (scheduledAt is { } at)
        {
            body["scheduled_at"] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        }

        if (externalId is not null)
        {
            body["external_id"] = externalId;
        }

        return body.ToJsonString();
    }

    private async Task CreateAsync(LoadTenant t, string op, string? externalId, string? idempotencyKey, CancellationToken ct)
    {
        // A hosted-only post a week ahead: its media is checked by the media pipeline, and nothing publishes it during the run.
        var body = PostBody(Rig.Unique("reliability #load"), [t.Tenant.HostedAccountId], t.MediaUrl, DateTimeOffset.UtcNow.AddDays(7), externalId);
        var reply = await SendAsync(t, op, HttpMethod.Post, $"{Api}/posts", body, idempotencyKey, null, ct);
        if (reply.Status == 201)
        {
            var id = reply.Data.GetProperty("id").GetString()!;
            t.Created(id, externalId is null && idempotencyKey is null ? null : new Replay(body, idempotencyKey, id));
        }
        else
        {
            Check(op, reply, []);
        }
    }

    private async Task ReplayAsync(LoadTenant t, CancellationToken ct)
    {
        if (t.AnyReplay() is not { } replay)
        {
            return;
        }

        var reply = await SendAsync(t, "replay", HttpMethod.Post, $"{Api}/posts", replay.Body, replay.IdempotencyKey, null, ct);
        if (reply.Status is 200 or 201)
        {
            var duplicate = reply.Data.TryGetProperty("duplicate", out var d) && d.ValueKind == JsonValueKind.True;
            if (reply.Status == 201 || !duplicate || reply.Data.GetProperty("id").GetString() != replay.PostId)
            {
                Interlocked.Increment(ref _duplicates);
            }
        }
        else
        {
            Check("replay", reply, []);
        }
    }

    private async Task ReadAsync(LoadTenant t, CancellationToken ct)
    {
        if (t.AnyLive() is not { } id)
        {
            return;
        }

        var reply = await SendAsync(t, "read", HttpMethod.Get, $"{Api}/posts/{id}", null, null, null, ct);
        Check("read", reply, [200], goneIsFine: !t.Live.ContainsKey(id));
    }

    private async Task PatchAsync(LoadTenant t, CancellationToken ct)
    {
        if (t.AnyLive() is not { } id)
        {
            return;
        }

        var read = await SendAsync(t, "patch_if_match", HttpMethod.Get, $"{Api}/posts/{id}", null, null, null, ct);
        if (read.Status != 200 || read.ETag is null)
        {
            Check("patch_if_match", read, [200], goneIsFine: !t.Live.ContainsKey(id));
            return;
        }

        var body = new JsonObject { ["caption"] = Rig.Unique("reliability #patched") }.ToJsonString();
        var reply = await SendAsync(t, "patch_if_match", HttpMethod.Patch, $"{Api}/posts/{id}", body, null, read.ETag, ct);
        // 412: the media pipeline or another worker changed the post since it was read, as If-Match is meant to catch.
        Check("patch_if_match", reply, [200, 412], goneIsFine: !t.Live.ContainsKey(id));
    }

    private async Task ListAsync(LoadTenant t, CancellationToken ct)
    {
        string? cursor = null;
        for (var page = 0; page < 3; page++)
        {
            var reply = await SendAsync(t, "list_cursor", HttpMethod.Get, $"{Api}/posts?limit=20" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), null, null, null, ct);
            Check("list_cursor", reply, [200]);
            if (reply.Status != 200 || reply.Data.GetProperty("next_cursor").GetString() is not { } next)
            {
                return;
            }

            cursor = next;
        }
    }

    private async Task DeleteAsync(LoadTenant t, CancellationToken ct)
    {
        if (t.TakeForDelete() is not { } id)
        {
            return;
        }

        var reply = await SendAsync(t, "delete", HttpMethod.Post, $"{Api}/posts/delete", new JsonObject { ["postIds"] = new JsonArray(id) }.ToJsonString(), null, null, ct);
        if (reply.Status == 200 && reply.Data.GetProperty("deletedIds").EnumerateArray().Any(e => e.GetString() == id))
        {
            t.Deleted[id] = true;
            return;
        }

        // Not deleted after all (an error or a contended delete): it is still a post that must be there.
        t.Live[id] = true;
        Check("delete", reply, reply.Status == 200 ? [] : [200]);
    }

    private async Task RefreshAsync(LoadTenant t, CancellationToken ct)
    {
        if (t.TargetIds.Count == 0)
        {
            return;
        }

        var target = t.TargetIds[Random.Shared.Next(t.TargetIds.Count)];
        var reply = await SendAsync(t, "refresh", HttpMethod.Post, $"{Api}/analytics/targets/{target}/refresh", null, null, null, ct);
        Check("refresh", reply, [200, 402, 409, 429]);
    }

    private async Task ExpectAsync(LoadTenant t, string op, HttpMethod method, string path, int[] allowed, CancellationToken ct) =>
        Check(op, await SendAsync(t, op, method, path, null, null, null, ct), allowed);

    private void Check(string op, Reply reply, int[] allowed, bool goneIsFine = false)
    {
        if (reply.Status == 0 || reply.Status >= 500 || allowed.Contains(reply.Status) || (goneIsFine && reply.Status == 404))
        {
            return;
        }

        Unexpected.AddOrUpdate($"{op} {reply.Status} {reply.ErrorCode}", 1, (_, n) => n + 1);
    }

    /// <summary>Sends one request, logs it, and reads the envelope; no answer at all is status 0.</summary>
    public async Task<Reply> SendAsync(LoadTenant t, string op, HttpMethod method, string path, string? json, string? idempotencyKey, string? ifMatch, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        var startS = Rig.Clock.Elapsed.TotalSeconds;
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await t.Http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var latency = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            string? code = null;
            var data = default(JsonElement);
            var envelope = false;
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                envelope = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ok", out _);
                code = root.TryGetProperty("error_code", out var c) ? c.GetString() : null;
                data = root.TryGetProperty("data", out var d) ? d.Clone() : default;
            }
            catch (JsonException)
            {
                // Not JSON: logged as an answer without an envelope.
            }

            var status = (int)response.StatusCode;
            Calls.Enqueue(new Call(startS, latency, op, status, code, response.Headers.RetryAfter is not null, envelope));
            return new Reply(status, code, data, response.Headers.ETag?.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            Calls.Enqueue(new Call(startS, Stopwatch.GetElapsedTime(start).TotalMilliseconds, op, 0, null, false, false));
            return new Reply(0, null, default, null);
        }
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];
    }
}
