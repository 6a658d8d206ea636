using Azure;

namespace Genviral.Core.Storage;

/// <summary>
/// Tells storage being unavailable (down, unreachable, not answering in time, throttling, failing on its side) from
/// everything else: a conflict, a missing row or a bug. Callers answer the first with "try again shortly" (the API's
/// 503 storage_unavailable), never as a fault of their own.
/// </summary>
public static class StorageFailures
{
    /// <param name="cancellationToken">The caller's own token: a cancellation it asked for is not a storage failure, any other is a timeout.</param>
    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        // Status 0: no answer at all (connection refused or reset); the SDK wraps transport errors this way.
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        // The SDK's retries ran out on exceptions (refused connections, timeouts): it throws them all together.
        AggregateException all => all.InnerExceptions.Count > 0
            && all.InnerExceptions.All(e => e is IOException or HttpRequestException || IsUnavailable(e, cancellationToken)),
        // A try that ran past the client's network timeout.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
