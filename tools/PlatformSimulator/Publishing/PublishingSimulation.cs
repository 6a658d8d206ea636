using System.Collections.Concurrent;

namespace Genviral.PlatformSimulator.Publishing;

/// <summary>
/// The publishing side of the simulator: jobs and containers in flight, the switches tests use to make calls fail,
/// and a log of every call and every media fetch so tests can assert request shapes and that media really flowed.
/// </summary>
public sealed class PublishingSimulation
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<InjectedFailure>> _failures = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public ConcurrentQueue<MediaFetch> MediaFetches { get; } = new();

    public ConcurrentQueue<PublishedItem> Published { get; } = new();

    /// <summary>Tokens answered with the platform's invalid-token error (access and refresh tokens alike).</summary>
    public ConcurrentDictionary<string, bool> RejectedTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>TikTok publish jobs and Instagram containers: id → (kind, status checks still to answer "processing", the published item).</summary>
    public ConcurrentDictionary<string, SimulatedJob> Jobs { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, YouTubeUpload> Uploads { get; } = new(StringComparer.Ordinal);

    /// <summary>How many status checks answer "still processing" before a job finishes.</summary>
    public int ProcessingChecks { get; set; } = 1;

    public void InjectFailures(string platform, int status, int count, string? message)
    {
        var queue = _failures.GetOrAdd(platform, _ => new ConcurrentQueue<InjectedFailure>());
        for (var i = 0; i < count; i++)
        {
            queue.Enqueue(new InjectedFailure(status, message ?? $"Simulated {status}"));
        }
    }

    public InjectedFailure? NextFailure(string platform) =>
        _failures.TryGetValue(platform, out var queue) && queue.TryDequeue(out var failure) ? failure : null;

    public bool IsRejected(string? token) => string.IsNullOrEmpty(token) || RejectedTokens.ContainsKey(token);

    public void Reset()
    {
        _failures.Clear();
        Requests.Clear();
        MediaFetches.Clear();
        Published.Clear();
        RejectedTokens.Clear();
        Jobs.Clear();
        Uploads.Clear();
        ProcessingChecks = 1;
    }
}

public sealed record InjectedFailure(int Status, string Message);

public sealed record RecordedRequest(string Platform, string Method, string PathAndQuery, string? Authorization, string? ContentType, string Body, IReadOnlyDictionary<string, string> Headers);

public sealed record MediaFetch(string Url, int Status, long Bytes);

public sealed record PublishedItem(string Platform, string Id, string Caption, string Kind, IReadOnlyList<string> MediaUrls, long MediaBytes);

public sealed class SimulatedJob(string id, string kind, string caption, IReadOnlyList<string> mediaUrls, long bytes, string? failReason)
{
    public string Id => id;

    public string Kind => kind;

    public string Caption => caption;

    public IReadOnlyList<string> MediaUrls => mediaUrls;

    public long Bytes => bytes;

    public string? FailReason => failReason;

    public int Checks { get; set; }

    public string? PublishedId { get; set; }
}

public sealed record YouTubeUpload(string Id, string Title, string Description, string PrivacyStatus, string? ContentType, long? DeclaredLength);
