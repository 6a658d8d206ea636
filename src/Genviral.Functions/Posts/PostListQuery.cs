using Genviral.Core;
using Genviral.Core.Posts;
using Genviral.Functions.Api;

namespace Genviral.Functions.Posts;

/// <summary>The query of GET /posts, checked: any bad value is 400 invalid_query_parameter naming the parameter.</summary>
internal sealed record PostListQuery(PostStatus? Status, int Limit, int Offset, DateTimeOffset? Since, DateTimeOffset? Until, string? AfterRowKey)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;
    public const int MaxOffset = 10_000;

    public static (PostListQuery? Query, ApiError? Error) Parse(IQueryCollection query)
    {
        if (query.FirstOrDefault(q => q.Value.Count > 1) is { Key: not null } repeated)
        {
            return Bad(repeated.Key, "must be given once");
        }

        PostStatus? status = null;
        if (query.TryGetValue("status", out var statusText))
        {
            if (!PostStatusRules.TryParse(statusText, out var s))
            {
                return Bad("status", "must be one of draft, pending, scheduled, retry, posted, failed, partial");
            }

            status = s;
        }

        if (!QueryParameters.TryInt(query, "limit", DefaultLimit, 1, MaxLimit, out var limit))
        {
            return Bad("limit", $"must be an integer from 1 to {MaxLimit}");
        }

        if (!QueryParameters.TryInt(query, "offset", 0, 0, MaxOffset, out var offset))
        {
            return Bad("offset", $"must be an integer from 0 to {MaxOffset}");
        }

        if (!TryTime(query, "since", out var since))
        {
            return Bad("since", "must be an ISO 8601 time with an offset");
        }

        if (!TryTime(query, "until", out var until))
        {
            return Bad("until", "must be an ISO 8601 time with an offset");
        }

        if (since > until)
        {
            return Bad("since", "must not be after until");
        }

        string? after = null;
        if (query.TryGetValue("cursor", out var cursor))
        {
            if (query.ContainsKey("offset"))
            {
                return Bad("cursor", "cannot be combined with offset");
            }

            after = QueryParameters.DecodeCursor(cursor.ToString());
            if (after is null || !PostStore.IsIndexKey(after, status))
            {
                return Bad("cursor", "is not a cursor of this listing (pass next_cursor back unchanged, with the same status)");
            }
        }

        return (new PostListQuery(status, limit, offset, since, until, after), null);
    }

    private static bool TryTime(IQueryCollection query, string name, out DateTimeOffset? value)
    {
        value = null;
        if (!query.TryGetValue(name, out var text))
        {
            return true;
        }

        if (!Timestamps.TryParse(text, out var time))
        {
            return false;
        }

        value = time;
        return true;
    }

    private static (PostListQuery?, ApiError?) Bad(string name, string problem) =>
        (null, new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidQueryParameter, $"Query parameter {name} {problem}"));
}
