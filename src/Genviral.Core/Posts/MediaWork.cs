using System.Text.Json;
using System.Text.Json.Serialization;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Posts;

/// <summary>
/// A request to re-host a post's media. It names the media version it was sent for, so the consumer ignores a
/// message about media that has since been replaced.
/// </summary>
public sealed record MediaWorkMessage(
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("post_id")] string PostId,
    [property: JsonPropertyName("media_version")] string MediaVersion);

[JsonSerializable(typeof(MediaWorkMessage))]
internal sealed partial class MediaWorkJson : JsonSerializerContext;

/// <summary>
/// Sends media work for a post's current media: re-hosting when it targets a BYO account, otherwise a
/// reachability check of the caller's URLs. The message is sent before the post is written: if the
/// write never happens the consumer finds no post (or another media version) and drops the message, whereas a
/// message sent after the write could be lost to a crash and leave the post waiting for media forever.
/// </summary>
public sealed class MediaWork(StorageClients storage)
{
    public async Task RequestAsync(Scope scope, Post post, CancellationToken cancellationToken)
    {
        var message = new MediaWorkMessage(scope.PartitionKey, post.Id, post.MediaState.Version);
        await storage.Queue(StorageNames.MediaRehostQueue)
            .SendMessageAsync(JsonSerializer.Serialize(message, MediaWorkJson.Default.MediaWorkMessage), cancellationToken);
    }
}
