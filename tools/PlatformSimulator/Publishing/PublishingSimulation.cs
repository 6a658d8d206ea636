using System.Collections.Concurrent;

namespace Genviral.PlatformSimulator.Publishing;

/// <summary>
/// The publishing side of the simulator: jobs and containers in flight, the switches tests use to make calls fail,
/// and a log of every call and every media fetch so tests can assert request shapes and that media really flowed.
/// </summary>
public sealed class PublishingSimulation
{
    private readonly List<InjectedFailure> _failures = [];

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public ConcurrentQueue<MediaFetch> MediaFetches { get; } = new();

    public ConcurrentQueue<PublishedItem> Published { get; } = new();

    /// <summary>
    /// Tokens answered with the platform's invalid-token error, access and refresh tokens alike. The value says whether
    /// Instagram's refresh_access_token still accepts it (a token that must be rotated rather than one that was revoked).
    /// </summary>
    public ConcurrentDictionary<string, bool> RejectedTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>TikTok publish jobs and Instagram containers: id → (kind, status checks still to answer "processing", the published item).</summary>
    public ConcurrentDictionary<string, SimulatedJob> Jobs { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, YouTubeUpload> Uploads { get; } = new(StringComparer.Ordinal);

    /// <summary>How many status checks answer "still processing" before a job finishes.</summary>
    public int ProcessingChecks { get; set; } = 1;

    /// <summary>Makes the next <paramref name="count"/> API calls to <paramref name="platform"/> fail (only those made with <paramref name="token"/>, when given).</summary>
    public void InjectFailures(string platform, int status, int count, string? message, string? token)
    {
        lock (_failures)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Add(new InjectedFailure(platform, status, message ?? $"Simulated {status}", token));
            }
        }
    }

    public InjectedFailure? NextFailure(string platform, string? token)
    {
        lock (_failures)
        {
            var index = _failures.FindIndex(f => string.Equals(f.Platform, platform, StringComparison.OrdinalIgnoreCase) && (f.Token is null || f.Token == token));
            if (index < 0)
            {
                return null;
            }

            var failure = _failures[index];
            _failures.RemoveAt(index);
            return failure;
        }
    }

    public bool IsRejected(string? token) => string.IsNullOrEmpty(token) || RejectedTokens.ContainsKey(token);

    public bool IsRefreshable(string? token) => !string.IsNullOrEmpty(token) && (!RejectedTokens.TryGetValue(token, out var refreshable) || refreshable);

    public void Reset()
    {
        lock (_failures)
        {
            _failures.Clear();
        }

        Requests.Clear();
        MediaFetches.Clear();
        Published.Clear();
        RejectedTokens.Clear();
        Jobs.Clear();
        Uploads.Clear();
        ProcessingChecks = 1;
    }
}

public sealed record InjectedFailure(string Platform, int Status, string Message, string? Token);

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
