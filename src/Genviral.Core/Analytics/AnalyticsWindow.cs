using Genviral.Core.Accounts;

namespace Genviral.Core.Analytics;

/// <summary>
/// The days a summary covers, inclusive, and the period of equal length before it. <see cref="Start"/> is null for
/// <c>range=all</c>, which has no previous period.
/// </summary>
internal sealed record AnalyticsWindow(DateOnly? Start, DateOnly End)
{
    public int? Days => Start is { } s ? End.DayNumber - s.DayNumber + 1 : null;

    public DateOnly? PreviousStart => Start is { } s ? s.AddDays(-Days!.Value) : null;

    public DateOnly? PreviousEnd => Start?.AddDays(-1);

    public static DateTimeOffset At(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}

/// <summary>The tracked posts a summary covers: those published in the window, of all targets or only of some platforms or targets.</summary>
internal sealed record SummaryFilter(AnalyticsWindow Window, IReadOnlySet<Platform>? Platforms, IReadOnlySet<string>? TargetIds);

internal enum PostSort
{
    PublishedAt,
    Views,
    Likes,
    Comments,
    Shares,
}

internal sealed record SummaryPaging(PostSort SortBy, bool Descending, int Limit, int Offset);
