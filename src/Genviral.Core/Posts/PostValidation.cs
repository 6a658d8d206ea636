using Genviral.Core.Accounts;
using Genviral.Core.Media;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Posts;

/// <summary>The rule that refused a create or patch. Each kind is one status and error_code on the wire.</summary>
internal enum PostRejectionKind
{
    /// <summary>The body does not have the post's shape, or lacks a field a create needs.</summary>
    InvalidPayload,
    MissingAccounts,
    UnknownAccounts,
    ValidationFailed,
    InvalidMusicUrl,
}

/// <param name="Message">The first issue, or a sentence about all of them.</param>
internal sealed record PostRejection(PostRejectionKind Kind, string Message, IReadOnlyList<RuleIssue> Issues);

/// <summary>
/// Applies the contract's rules to a create or patch, in the order their error codes take precedence: body shape
/// (invalid_payload), accounts (missing_accounts / unknown_accounts), content (validation_failed), music URL
/// (invalid_music_url). Nothing is written before all of them pass.
/// </summary>
internal sealed class PostValidation(AccountStore accounts, MediaAddressRule addresses, TimeProvider time)
{
    /// <param name="current">The post being patched; null for a create, where caption, media and accounts are required.</param>
    public async Task<(PostContent? Content, PostRejection? Rejection)> CheckAsync(Scope scope, PostRequest request, Post? current, CancellationToken cancellationToken)
    {
        var shape = new List<RuleIssue>(request.ShapeIssues);
        if (current is null)
        {
            if (!request.Caption.Present && !shape.Any(i => i.Field == "caption"))
            {
                shape.Add(new("caption", "caption is required"));
            }

            if (!request.Media.Present && !shape.Any(i => i.Field.StartsWith("media", StringComparison.Ordinal)))
            {
                shape.Add(new("media", "media is required"));
            }
        }

        if (shape.Count > 0)
        {
            return Fail(PostRejectionKind.InvalidPayload, "Request body does not match the post schema", shape);
        }

        var (targets, accountRejection) = await ResolveAccountsAsync(scope, request, current, cancellationToken);
        if (accountRejection is not null)
        {
            return (null, accountRejection);
        }

        var caption = request.Caption.Present ? request.Caption.Value : current!.Caption;
        var media = request.Media.Present ? request.Media.Value : current!.Media;
        var musicUrl = request.MusicUrl.Present ? request.MusicUrl.Value : current?.MusicUrl;
        var issues = new List<RuleIssue>();
        if (string.IsNullOrWhiteSpace(caption))
        {
            issues.Add(new("caption", "caption must not be empty"));
        }

        if (request.Media.Present)
        {
            issues.AddRange(CheckMedia(media));
        }

        issues.AddRange(PostRules.CheckTargets(caption, media, musicUrl, targets!));
        if (request.ExternalId.Value is { Length: > PostRules.MaxExternalIdLength })
        {
            issues.Add(new("external_id", $"external_id is longer than {PostRules.MaxExternalIdLength} characters"));
        }

        var (status, scheduledAt) = current is null ? (PostStatus.Pending, (DateTimeOffset?)null) : (current.PrePublishStatus, current.ScheduledAt);
        if (request.ScheduledAtInvalid)
        {
            issues.Add(new("scheduled_at", "scheduled_at must be an ISO 8601 time with an offset, such as 2026-01-20T15:00:00Z"));
        }
        else if (request.ScheduledAt.Present)
        {
            var schedule = PostRules.Schedule(request.ScheduledAt.Value, time.GetUtcNow());
            if (schedule.Error is not null)
            {
                issues.Add(new("scheduled_at", schedule.Error));
            }

            (status, scheduledAt) = (schedule.Status, schedule.ScheduledAt);
        }

        if (issues.Count > 0)
        {
            return Fail(PostRejectionKind.ValidationFailed, issues[0].Message, issues);
        }

        if (request.MusicUrl.Value is { } music && !PostRules.IsTikTokUrl(music))
        {
            return Fail(PostRejectionKind.InvalidMusicUrl, "music_url must be a TikTok URL (https://www.tiktok.com/...)", [new("music_url", "Not a TikTok URL")]);
        }

        return (new PostContent(caption, media, targets!, musicUrl, status, scheduledAt), null);
    }

    private IEnumerable<RuleIssue> CheckMedia(PostMedia media)
    {
        if (media.Type == MediaType.Slideshow && media.Urls.Count is 0 or > PostRules.MaxSlideshowImages)
        {
            yield return new("media.urls", $"A slideshow has 1 to {PostRules.MaxSlideshowImages} images");
        }

        for (var i = 0; i < media.Urls.Count; i++)
        {
            if (PostRules.CheckMediaUrl(media.Urls[i], media.Type, addresses) is { } problem)
            {
                yield return new(media.Type == MediaType.Video ? "media.url" : $"media.urls[{i}]", problem);
            }
        }
    }

    private async Task<(IReadOnlyList<PostTarget>? Accounts, PostRejection? Rejection)> ResolveAccountsAsync(
        Scope scope, PostRequest request, Post? current, CancellationToken cancellationToken)
    {
        if (!request.Accounts.Present && current is not null)
        {
            // The states remember each target's platform and type, which is all the content rules need.
            return ([.. current.States.Select(PostTarget.From)], null);
        }

        var ids = (request.Accounts.Value ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (ids.Count == 0)
        {
            return (null, new(PostRejectionKind.MissingAccounts, "At least one account is required", [new("accounts", "No accounts given")]));
        }

        if (ids.Count > PostRules.MaxAccounts)
        {
            return (null, new(PostRejectionKind.ValidationFailed, $"A post targets at most {PostRules.MaxAccounts} accounts",
                [new("accounts", $"{ids.Count} accounts given; at most {PostRules.MaxAccounts}")]));
        }

        var found = await Task.WhenAll(ids.Select(id => Guid.TryParse(id, out _) ? accounts.GetAsync(scope, id, cancellationToken) : Task.FromResult<SocialAccount?>(null)));
        var unknown = ids.Where((id, i) => found[i] is not { Status: AccountStatus.Active }).ToList();
        if (unknown.Count > 0)
        {
            return (null, new(PostRejectionKind.UnknownAccounts, "Some accounts are unknown, inactive or outside this key's scope",
                [.. unknown.Select(id => new RuleIssue("accounts", $"Unknown or inactive account: {id}"))]));
        }

        return ([.. found.OfType<SocialAccount>().Select(PostTarget.From)], null);
    }

    private static (PostContent?, PostRejection?) Fail(PostRejectionKind kind, string message, IReadOnlyList<RuleIssue> issues) =>
        (null, new(kind, message, issues));
}
