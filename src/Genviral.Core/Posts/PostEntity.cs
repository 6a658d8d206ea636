using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Genviral.Core.Accounts;

namespace Genviral.Core.Posts;

/// <summary>
/// The storage shape of a post. The same properties are written to the post row and to its two index copies, so a
/// page of a listing is one range query with no per-post reads. Media URLs get a property each: 35 URLs of 2,048
/// characters would not fit one string property (32K characters at most).
/// </summary>
internal static class PostEntity
{
    private const string MediaUrlPrefix = "MediaUrl";

    public static TableEntity ToEntity(string partitionKey, string rowKey, Post post)
    {
        var entity = new TableEntity(partitionKey, rowKey)
        {
            ["PostId"] = post.Id,
            ["Caption"] = post.Caption,
            ["MediaType"] = post.Media.Type.ToString(),
            ["MediaCount"] = post.Media.Urls.Count,
            ["MusicUrl"] = post.MusicUrl,
            ["ScheduledAt"] = post.ScheduledAt,
            ["CreatedAt"] = post.CreatedAt,
            ["UpdatedAt"] = post.UpdatedAt,
            ["ExternalId"] = post.ExternalId,
            ["PrePublishStatus"] = post.PrePublishStatus.ToString(),
            ["Status"] = post.Status.ToString(),
            ["States"] = JsonSerializer.Serialize(post.States.Select(StoredState.From).ToList(), PostStorageJson.Default.ListStoredState),
            ["MediaVersion"] = post.MediaState.Version,
            ["MediaReady"] = post.MediaState.Ready,
            ["MediaNeedsRehost"] = post.MediaState.NeedsRehost,
            ["MediaFailed"] = post.MediaState.Failed,
            ["MediaClaimedBy"] = post.MediaState.ClaimedBy,
            ["MediaClaimedUntil"] = post.MediaState.ClaimedUntil,
            // 35 blob names of about 100 characters fit one string property.
            ["MediaBlobs"] = post.MediaState.Blobs is { } blobs ? JsonSerializer.Serialize(blobs.ToList(), PostStorageJson.Default.ListString) : null,
        };
        for (var i = 0; i < post.Media.Urls.Count; i++)
        {
            entity[MediaUrlPrefix + i.ToString(CultureInfo.InvariantCulture)] = post.Media.Urls[i];
        }

        return entity;
    }

    public static Post ToPost(TableEntity e)
    {
        var count = e.GetInt32("MediaCount") ?? 0;
        var urls = Enumerable.Range(0, count).Select(i => e.GetString(MediaUrlPrefix + i.ToString(CultureInfo.InvariantCulture))).ToList();
        var states = JsonSerializer.Deserialize(e.GetString("States"), PostStorageJson.Default.ListStoredState) ?? [];
        return new Post(
            e.GetString("PostId"),
            e.GetString("Caption"),
            new PostMedia(Enum.Parse<MediaType>(e.GetString("MediaType")), urls),
            e.GetString("MusicUrl"),
            e.GetDateTimeOffset("ScheduledAt"),
            e.GetDateTimeOffset("CreatedAt") ?? default,
            e.GetDateTimeOffset("UpdatedAt") ?? default,
            e.GetString("ExternalId"),
            Enum.Parse<PostStatus>(e.GetString("PrePublishStatus")),
            [.. states.Select(s => s.ToState())],
            new MediaState(
                e.GetString("MediaVersion"),
                e.GetBoolean("MediaReady") ?? false,
                e.GetBoolean("MediaNeedsRehost") ?? false,
                e.GetString("MediaBlobs") is { } blobs ? JsonSerializer.Deserialize(blobs, PostStorageJson.Default.ListString) : null,
                e.GetBoolean("MediaFailed") ?? false,
                e.GetString("MediaClaimedBy"),
                e.GetDateTimeOffset("MediaClaimedUntil")));
    }
}

internal sealed record StoredState(
    string AccountId, string Platform, string Type, string Status, DateTimeOffset? PublishedAt, string? PublishedUrl,
    string? ErrorMessage, DateTimeOffset? LastAttemptedAt, int Attempts, string? PlatformPostId = null, PublishProgress? Publishing = null)
{
    public static StoredState From(AccountState s) => new(
        s.AccountId, s.Platform.ToString(), s.Type.ToString(), s.Status.ToString(), s.PublishedAt, s.PublishedUrl, s.ErrorMessage, s.LastAttemptedAt, s.Attempts,
        s.PlatformPostId, s.Publishing);

    public AccountState ToState() => new(
        AccountId, Enum.Parse<Platform>(Platform), Enum.Parse<AccountType>(Type), Enum.Parse<PostStatus>(Status), PublishedAt, PublishedUrl, ErrorMessage, LastAttemptedAt, Attempts,
        PlatformPostId, Publishing);
}

[JsonSerializable(typeof(List<StoredState>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class PostStorageJson : JsonSerializerContext;
