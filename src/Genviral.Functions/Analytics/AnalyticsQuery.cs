using System.Globalization;
using Genviral.Core.Accounts;
using Genviral.Core.Analytics;
using Genviral.Functions.Api;

namespace Genviral.Functions.Analytics;

/// <summary>
/// The query of the analytics summary endpoints, checked: any bad value is 400 invalid_query_parameter naming the
/// parameter. Both spellings of a parameter are accepted (sortBy/sort_by, platforms/platform, accounts/account_ids).
/// </summary>
internal sealed record AnalyticsQuery(SummaryFilter Filter, SummaryPaging Paging)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;
    public const int MaxOffset = 10_000;
    private const int MaxIds = 100;

    private static readonly Dictionary<string, int> Ranges = new(StringComparer.Ordinal)
    {
        ["14d"] = 14,
        ["30d"] = 30,
        ["90d"] = 90,
        ["1y"] = 365,
        ["all"] = 0,
    };

    private static readonly Dictionary<string, PostSort> Sorts = new(StringComparer.Ordinal)
    {
        ["published_at"] = PostSort.PublishedAt,
        ["views"] = PostSort.Views,
        ["likes"] = PostSort.Likes,
        ["comments"] = PostSort.Comments,
        ["shares"] = PostSort.Shares,
    };

    public static (AnalyticsQuery? Query, ApiError? Error) Parse(IQueryCollection query, DateOnly today)
    {
        if (query.FirstOrDefault(q => q.Value.Count > 1) is { Key: not null } repeated)
        {
            return Bad(repeated.Key, "must be given once");
        }

        var (window, windowError) = ParseWindow(query, today);
        if (windowError is not null)
        {
            return (null, windowError);
        }

        if (!TryAlias(query, "platforms", "platform", out var platformsText, out var aliasError)
            || !TryAlias(query, "accounts", "account_ids", out var accountsText, out aliasError)
            || !TryAlias(query, "sortBy", "sort_by", out var sortText, out aliasError)
            || !TryAlias(query, "sortOrder", "sort_order", out var orderText, out aliasError))
        {
            return (null, aliasError);
        }

        HashSet<Platform>? platforms = null;
        if (platformsText is not null)
        {
            var parts = Csv(platformsText);
            platforms = [];
            foreach (var part in parts)
            {
                if (!AccountEnums.TryParseWire<Platform>(part, out var platform))
                {
                    return Bad("platforms", "must be a comma-separated list of tiktok, instagram, youtube");
                }

                platforms.Add(platform);
            }
        }

        HashSet<string>? targetIds = null;
        if (accountsText is not null)
        {
            var parts = Csv(accountsText);
            if (parts.Count == 0 || parts.Count > MaxIds || parts.Any(p => p.Length is 0 or > 64))
            {
                return Bad("accounts", $"must be a comma-separated list of 1 to {MaxIds} analytics target ids");
            }

            targetIds = [.. parts];
        }

        var sort = PostSort.PublishedAt;
        if (sortText is not null && !Sorts.TryGetValue(sortText, out sort))
        {
            return Bad("sortBy", "must be one of published_at, views, likes, comments, shares");
        }

        if (orderText is not null && orderText is not ("asc" or "desc"))
        {
            return Bad("sortOrder", "must be asc or desc");
        }

        if (!QueryParameters.TryInt(query, "limit", DefaultLimit, 1, MaxLimit, out var limit))
        {
            return Bad("limit", $"must be an integer from 1 to {MaxLimit}");
        }

        if (!QueryParameters.TryInt(query, "offset", 0, 0, MaxOffset, out var offset))
        {
            return Bad("offset", $"must be an integer from 0 to {MaxOffset}");
        }

        return (new AnalyticsQuery(new SummaryFilter(window!, platforms, targetIds), new SummaryPaging(sort, orderText != "asc", limit, offset)), null);
    }

    private static (AnalyticsWindow?, ApiError?) ParseWindow(IQueryCollection query, DateOnly today)
    {
        var days = 30;
        if (query.TryGetValue("range", out var rangeText) && !Ranges.TryGetValue(rangeText.ToString(), out days))
        {
            return (null, Error("range", "must be one of 14d, 30d, 90d, 1y, all"));
        }

        var hasStart = query.TryGetValue("start", out var startText);
        var hasEnd = query.TryGetValue("end", out var endText);
        if (hasStart != hasEnd)
        {
            return (null, Error(hasStart ? "end" : "start", "start and end must be given together"));
        }

        if (hasStart)
        {
            // A custom range wins over a preset.
            if (!TryDay(startText.ToString(), out var start))
            {
                return (null, Error("start", "must be a date YYYY-MM-DD"));
            }

            if (!TryDay(endText.ToString(), out var end))
            {
                return (null, Error("end", "must be a date YYYY-MM-DD"));
            }

            return end < start ? (null, Error("end", "must not be before start")) : (new AnalyticsWindow(start, end), null);
        }

        return (new AnalyticsWindow(days == 0 ? null : today.AddDays(1 - days), today), null);
    }

    private static bool TryDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    private static bool TryAlias(IQueryCollection query, string name, string alias, out string? value, out ApiError? error)
    {
        var hasName = query.TryGetValue(name, out var a);
        var hasAlias = query.TryGetValue(alias, out var b);
        error = null;
        value = hasName ? a.ToString() : hasAlias ? b.ToString() : null;
        if (hasName && hasAlias && a.ToString() != b.ToString())
        {
            error = Error(name, $"{name} and {alias} disagree; give one");
            return false;
        }

        return true;
    }

    private static List<string> Csv(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    private static (AnalyticsQuery?, ApiError?) Bad(string name, string message) => (null, Error(name, message));

    private static ApiError Error(string name, string message) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidQueryParameter, $"Query parameter '{name}' {message}");
}
