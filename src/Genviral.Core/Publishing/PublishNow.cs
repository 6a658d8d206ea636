using System.Text.Json;
using System.Text.Json.Serialization;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Publishing;

/// <summary>
/// A request to publish one post now rather than on the dispatcher's next tick. It names the due-index minute the
/// post's entry was written in, so the consumer settles that entry as a tick would.
/// </summary>
public sealed record PublishNowMessage(
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("post_id")] string PostId,
    [property: JsonPropertyName("bucket")] string Bucket);

[JsonSerializable(typeof(PublishNowMessage))]
public sealed partial class PublishNowJson : JsonSerializerContext;

/// <summary>
/// Sends a publish-now message when a write leaves a post due with its media ready (no <c>scheduled_at</c>, a retry,
/// media that became ready after its time). Sent after the write, so the consumer always finds the post as written;
/// a crash before the send only means the timer publishes it on its next tick. The consumer runs the dispatcher's own
/// claim path, so a message racing the timer (or a duplicate message) never publishes an account state twice.
/// </summary>
public sealed class PublishNow(StorageClients storage, TimeProvider time)
{
    public async Task RequestIfDueAsync(Scope scope, Post post, CancellationToken cancellationToken)
    {
        if (!post.MediaState.Ready || PostDispatcher.NextWork(post, time.GetUtcNow()) is not { } next || next > time.GetUtcNow())
        {
            return;
        }

        var message = new PublishNowMessage(scope.PartitionKey, post.Id, PostSchedule.Bucket(post.DueAt));
        await storage.Queue(StorageNames.PublishNowQueue)
            .SendMessageAsync(JsonSerializer.Serialize(message, PublishNowJson.Default.PublishNowMessage), cancellationToken);
    }
}
