using System.Text.Json.Serialization;
using Genviral.Core.Posts;

namespace Genviral.Functions.Posts;

internal sealed record PostResponse(
    string Id,
    string Caption,
    string Status,
    DateTimeOffset? ScheduledAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ExternalId,
    MediaResponse Media,
    string? MusicUrl,
    AccountsResponse Accounts);

/// <summary><c>{type:"video", url}</c> or <c>{type:"slideshow", urls}</c>: the absent one is left out, as the docs show.</summary>
internal sealed record MediaResponse(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Urls);

internal sealed record AccountsResponse(int Total, IReadOnlyList<AccountStateResponse> States);

internal sealed record AccountStateResponse(
    string AccountId, string Status, DateTimeOffset? PublishedAt, string? PublishedUrl, string? ErrorMessage, DateTimeOffset? LastAttemptedAt, int Attempts);

/// <summary>What create and patch answer: the post's id and where it now stands.</summary>
internal sealed record PostWriteResponse(
    string Id,
    string Status,
    DateTimeOffset? ScheduledAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Duplicate = null);

internal sealed record PostListResponse(PostSummaryResponse Summary, IReadOnlyList<PostResponse> Posts, string? NextCursor);

internal sealed record PostSummaryResponse(long Total, long Pending, long Published, IReadOnlyDictionary<string, long> ByStatus);

internal sealed record DeletePostsResponse(
    [property: JsonPropertyName("deletedIds")] IReadOnlyList<string> DeletedIds,
    [property: JsonPropertyName("blockedStatuses")] IReadOnlyList<BlockedStatus> BlockedStatuses,
    [property: JsonPropertyName("skipped")] IReadOnlyList<string> Skipped,
    [property: JsonPropertyName("errors"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Errors);

internal sealed record BlockedStatus(string Id, string Status);

internal sealed record RetryPostsResponse(
    int Retried,
    IReadOnlyList<string> Ids,
    IReadOnlyList<string> Failed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Errors);

/// <summary>The create body, for the OpenAPI document (the endpoint reads the JSON itself, to tell absent from null).</summary>
internal sealed record CreatePostRequest(
    string Caption,
    IReadOnlyList<AccountRef> Accounts,
    MediaResponse Media,
    DateTimeOffset? ScheduledAt,
    string? MusicUrl,
    string? ExternalId);

/// <summary>The patch body, for the OpenAPI document: any subset of the fields, at least one.</summary>
internal sealed record UpdatePostRequest(
    string? Caption, IReadOnlyList<AccountRef>? Accounts, MediaResponse? Media, DateTimeOffset? ScheduledAt, string? MusicUrl);

internal sealed record AccountRef(string Id);

internal sealed record DeletePostsRequest([property: JsonPropertyName("postIds")] IReadOnlyList<string> PostIds);

internal sealed record RetryPostsRequest(IReadOnlyList<string> PostIds, IReadOnlyList<string>? AccountIds);

internal static class PostContractExtensions
{
    public static DeletePostsResponse ToResponse(this DeleteResult r) => new(
        r.Deleted,
        [.. r.Blocked.Select(b => new BlockedStatus(b.Id, b.Status.ToWire()))],
        r.Skipped,
        r.Contended.Count > 0 ? r.Contended.ToDictionary(id => id, _ => PostErrors.Changing) : null);

    /// <param name="mediaUrls">Where the media is fetched from now: our signed copies once re-hosted (<c>MediaSigner</c>).</param>
    public static PostResponse ToResponse(this Post p, IReadOnlyList<string> mediaUrls) => new(
        p.Id,
        p.Caption,
        p.Status.ToWire(),
        p.ScheduledAt,
        p.CreatedAt,
        p.UpdatedAt,
        p.ExternalId,
        p.Media.Type == MediaType.Video ? new MediaResponse("video", mediaUrls[0], null) : new MediaResponse("slideshow", null, mediaUrls),
        p.MusicUrl,
        new AccountsResponse(p.States.Count, [.. p.States.Select(s => new AccountStateResponse(
            s.AccountId, s.Status.ToWire(), s.PublishedAt, s.PublishedUrl, s.ErrorMessage, s.LastAttemptedAt, s.Attempts))]));

    public static PostWriteResponse ToWriteResponse(this Post p, bool? duplicate = null) => new(p.Id, p.Status.ToWire(), p.ScheduledAt, duplicate);

    public static PostSummaryResponse ToResponse(this PostSummary s) => new(
        s.Total,
        s.Count(PostStatus.Pending) + s.Count(PostStatus.Scheduled) + s.Count(PostStatus.Retry),
        s.Count(PostStatus.Posted) + s.Count(PostStatus.Partial),
        Enum.GetValues<PostStatus>().ToDictionary(st => st.ToWire(), s.Count));
}
