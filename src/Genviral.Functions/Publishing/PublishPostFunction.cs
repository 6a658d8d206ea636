using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Publishing;

/// <summary>
/// Queue function over publish-now: publishes one post that became due with its media ready, through the
/// dispatcher's claim path (<see cref="PostDispatcher.PublishAsync"/>). A failure throws so the queue tries again;
/// <c>PublishDuePosts</c> stays the safety net for a message that never arrives.
/// </summary>
internal sealed partial class PublishPostFunction(PostDispatcher dispatcher, ILogger<PublishPostFunction> logger)
{
    [Function(nameof(PublishPost))]
    public async Task PublishPost([QueueTrigger(StorageNames.PublishNowQueue)] string message, string id, CancellationToken cancellationToken)
    {
        var work = QueueBody.Read(message, PublishNowJson.Default.PublishNowMessage);
        if (work is null || !Scope.TryParsePartitionKey(work.Scope, out var scope) || string.IsNullOrEmpty(work.PostId) || string.IsNullOrEmpty(work.Bucket))
        {
            // Retrying cannot fix a message that does not parse; the timer still finds a due post through its index entry.
            LogMalformed(logger, id);
            return;
        }

        var attempts = await dispatcher.PublishAsync(scope, work.PostId, work.Bucket, cancellationToken);
        LogPublished(logger, work.PostId, attempts);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped malformed publish message {MessageId}")]
    private static partial void LogMalformed(ILogger logger, string? messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "PublishPost {PostId}: {Attempts} attempts")]
    private static partial void LogPublished(ILogger logger, string postId, int attempts);
}
