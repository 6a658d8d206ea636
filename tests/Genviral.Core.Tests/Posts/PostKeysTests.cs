using Genviral.Core.Posts;

namespace Genviral.Core.Tests.Posts;

/// <summary>The row-key arithmetic behind every listing: inverted ticks give newest first, and the ranges keep exactly the bounds.</summary>
public sealed class PostKeysTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private const string IdA = "0b6f2c1e-4a7d-4c1b-9a51-2f0e8d9c7b11";
    private const string IdB = "9a8b7c6d-0000-4000-8000-000000000001";

    [Fact]
    public void Created_NewerPost_SortsFirst()
    {
        var older = PostKeys.Created(T, IdA);
        var newer = PostKeys.Created(T.AddTicks(1), IdB);

        Assert.True(string.CompareOrdinal(newer, older) < 0);
    }

    [Fact]
    public void Created_SameTick_IdBreaksTheTie()
    {
        Assert.True(string.CompareOrdinal(PostKeys.Created(T, IdA), PostKeys.Created(T, IdB)) < 0);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(638_000_000_000_000_000L)]
    [InlineData(3_155_378_975_999_999_999L)]
    public void Created_AnyTime_HasFixedWidthTicks(long ticks)
    {
        var key = PostKeys.Created(new DateTimeOffset(ticks, TimeSpan.Zero), IdA);

        Assert.Equal("created|".Length + 19 + 1 + IdA.Length, key.Length);
    }

    [Fact]
    public void Created_OffsetOfTheTime_DoesNotMatter()
    {
        Assert.Equal(PostKeys.Created(T, IdA), PostKeys.Created(T.ToOffset(TimeSpan.FromHours(5)), IdA));
    }

    [Fact]
    public void Status_SortsNewestFirstWithinTheStatus()
    {
        Assert.StartsWith("status|posted|", PostKeys.Status(PostStatus.Posted, T, IdA), StringComparison.Ordinal);
        Assert.True(string.CompareOrdinal(PostKeys.Status(PostStatus.Posted, T.AddSeconds(1), IdA), PostKeys.Status(PostStatus.Posted, T, IdA)) < 0);
    }

    [Fact]
    public void CreatedRange_Bounds_AreInclusiveToTheTick()
    {
        var (from, to) = PostKeys.CreatedRange(T, T.AddMinutes(1));

        Assert.True(InRange(PostKeys.Created(T, IdA), from, to));
        Assert.True(InRange(PostKeys.Created(T.AddMinutes(1), IdB), from, to));
        Assert.False(InRange(PostKeys.Created(T.AddTicks(-1), IdA), from, to));
        Assert.False(InRange(PostKeys.Created(T.AddMinutes(1).AddTicks(1), IdA), from, to));
    }

    [Fact]
    public void CreatedRange_Unbounded_HoldsEveryTimeAndNothingElse()
    {
        var (from, to) = PostKeys.CreatedRange(null, null);

        Assert.True(InRange(PostKeys.Created(DateTimeOffset.MinValue, IdA), from, to));
        Assert.True(InRange(PostKeys.Created(DateTimeOffset.MaxValue.AddTicks(-1), IdA), from, to));
        Assert.False(InRange(PostKeys.Post(IdA), from, to));
        Assert.False(InRange(PostKeys.Status(PostStatus.Pending, T, IdA), from, to));
        Assert.False(InRange(PostKeys.Counter(0), from, to));
    }

    [Fact]
    public void StatusRange_HoldsOnlyItsStatusWithinTheBounds()
    {
        var (from, to) = PostKeys.StatusRange(PostStatus.Pending, T, T.AddHours(1));

        Assert.True(InRange(PostKeys.Status(PostStatus.Pending, T.AddMinutes(30), IdA), from, to));
        Assert.False(InRange(PostKeys.Status(PostStatus.Posted, T.AddMinutes(30), IdA), from, to));
        Assert.False(InRange(PostKeys.Status(PostStatus.Partial, T.AddMinutes(30), IdA), from, to));
        Assert.False(InRange(PostKeys.Status(PostStatus.Pending, T.AddHours(2), IdA), from, to));
        Assert.False(InRange(PostKeys.Created(T.AddMinutes(30), IdA), from, to));
    }

    [Fact]
    public void ExternalIdAndIdempotency_CallerText_BecomeSafeDistinctKeys()
    {
        var external = PostKeys.ExternalId("a/b\\c#d?e\u0001");
        var header = PostKeys.Idempotency("a/b\\c#d?e\u0001");

        Assert.Matches("^ext\\|[0-9a-f]{64}$", external);
        Assert.Matches("^idem\\|[0-9a-f]{64}$", header);
        Assert.NotEqual(PostKeys.ExternalId("x"), PostKeys.ExternalId("X"));
    }

    // The store's query: RowKey gt From and RowKey lt To.
    private static bool InRange(string key, string from, string to) => string.CompareOrdinal(key, from) > 0 && string.CompareOrdinal(key, to) < 0;
}
