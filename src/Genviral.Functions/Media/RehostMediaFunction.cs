using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Genviral.Functions.Media;

/// <summary>
/// Queue function over media-rehost: re-hosts or checks a post's media (<see cref="MediaPipeline"/>). A transient
/// failure throws so the queue tries again; the last attempt fails the post before the message goes to poison. A copy
/// of a message another delivery is handling, or one that arrived before the post write it announces, throws too
/// (<see cref="RetryLaterException"/>) and is handled when it comes back.
/// </summary>
internal sealed partial class RehostMediaFunction(MediaPipeline pipeline, IOptions<QueueOptions> queues, ILogger<RehostMediaFunction> logger)
{
    [Function(nameof(RehostMedia))]
    public async Task RehostMedia(
        [QueueTrigger(StorageNames.MediaRehostQueue)] string message, long dequeueCount, string id, DateTimeOffset insertionTime, CancellationToken cancellationToken)
    {
        var work = QueueBody.Read(message, MediaWorkJson.Default.MediaWorkMessage);
        if (work is null || string.IsNullOrEmpty(work.Scope) || string.IsNullOrEmpty(work.PostId) || string.IsNullOrEmpty(work.MediaVersion))
        {
            // Retrying cannot fix a message that does not parse; it names no post that could be failed either.
            LogMalformed(logger, id);
            return;
        }

        await pipeline.ProcessAsync(work, new QueueDelivery(id, insertionTime, queues.Value.IsLastAttempt(dequeueCount)), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped malformed media message {MessageId}")]
    private static partial void LogMalformed(ILogger logger, string? messageId);
}
