using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Functions.Hosting;

namespace Genviral.Functions.Media;

/// <summary>
/// Queue function over media-rehost: re-hosts or checks a post's media (<see cref="MediaPipeline"/>). A transient
/// failure throws so the queue tries again; the last attempt fails the post before the message goes to poison.
/// </summary>
internal sealed partial class RehostMediaFunction(MediaPipeline pipeline, ILogger<RehostMediaFunction> logger) : IQueueFunction
{
    public string Name => "RehostMedia";

    public string Queue => StorageNames.MediaRehostQueue;

    public async Task RunAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var work = QueueBody.Read(message.Body, MediaWorkJson.Default.MediaWorkMessage);
        if (work is null || string.IsNullOrEmpty(work.Scope) || string.IsNullOrEmpty(work.PostId) || string.IsNullOrEmpty(work.MediaVersion))
        {
            // Retrying cannot fix a message that does not parse; it names no post that could be failed either.
            LogMalformed(logger, message.Id);
            return;
        }

        await pipeline.ProcessAsync(work, message.IsLastAttempt, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped malformed media message {MessageId}")]
    private static partial void LogMalformed(ILogger logger, string? messageId);
}
