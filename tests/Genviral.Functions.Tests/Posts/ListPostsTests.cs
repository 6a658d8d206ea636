using System.Net;
using System.Text.Json;
using Genviral.Core.Posts;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Posts;

public sealed class ListPostsTests(SharedApiFactory factory) : PostsTestBase(factory)
{
    [Fact]
    public async Task ListPosts_NewestFirstWithFullPostsAndWholeScopeSummary()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await CreateAsync(client, VideoPost(account.Id, $"post {i}")));
        }

        var scheduled = VideoPost(account.Id, "later");
        scheduled["scheduled_at"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        ids.Add(await CreateAsync(client, scheduled));
        await SetStatesAsync(tenant, ids[0], PostStatus.Posted);
        await SetStatesAsync(tenant, ids[1], PostStatus.Failed);

        var data = await ListAsync(client, "?limit=2");

        var posts = data.GetProperty("posts").EnumerateArray().ToList();
        Assert.Equal([ids[4], ids[3]], posts.Select(p => p.GetProperty("id").GetString()));
        Assert.Equal("later", posts[0].GetProperty("caption").GetString());
        Assert.Equal(1, posts[0].GetProperty("accounts").GetProperty("total").GetInt32());
        var summary = data.GetProperty("summary");
        Assert.Equal(5, summary.GetProperty("total").GetInt64());
        Assert.Equal(3, summary.GetProperty("pending").GetInt64());
        Assert.Equal(1, summary.GetProperty("published").GetInt64());
        var byStatus = summary.GetProperty("by_status");
        Assert.Equal(2, byStatus.GetProperty("pending").GetInt64());
        Assert.Equal(1, byStatus.GetProperty("scheduled").GetInt64());
        Assert.Equal(1, byStatus.GetProperty("posted").GetInt64());
        Assert.Equal(1, byStatus.GetProperty("failed").GetInt64());
        Assert.Equal(0, byStatus.GetProperty("partial").GetInt64());
        Assert.Equal(JsonValueKind.String, data.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task ListPosts_StatusFilter_ReturnsOnlyThatStatusAndFollowsChanges()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var a = await CreateAsync(client, VideoPost(account.Id));
        var b = await CreateAsync(client, VideoPost(account.Id));
        await SetStatesAsync(tenant, a, PostStatus.Failed);

        var failed = await ListAsync(client, "?status=failed");
        var pending = await ListAsync(client, "?status=pending");

        Assert.Equal([a], failed.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal([b], pending.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task ListPosts_OffsetWithFixedUntil_WalksEveryPostOnceWhilePostsAreAdded()
    {
        var (_, client, account) = await TenantWithAccountAsync();
        var existing = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            existing.Add(await CreateAsync(client, VideoPost(account.Id)));
        }

        var until = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var seen = new List<string>();
        for (var offset = 0; ; offset += 3)
        {
            var page = await ListAsync(client, $"?limit=3&offset={offset}&until={until}");
            await CreateAsync(client, VideoPost(account.Id));
            var ids = page.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToList();
            seen.AddRange(ids);
            if (ids.Count < 3)
            {
                break;
            }
        }

        Assert.Equal(existing.AsEnumerable().Reverse(), seen);
    }

    [Fact]
    public async Task ListPosts_Cursor_WalksEveryPostOnceWhilePostsAreAdded()
    {
        var (_, client, account) = await TenantWithAccountAsync();
        var existing = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            existing.Add(await CreateAsync(client, VideoPost(account.Id)));
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ListAsync(client, "?limit=3" + (cursor is null ? "" : "&cursor=" + cursor));
            await CreateAsync(client, VideoPost(account.Id));
            seen.AddRange(page.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(existing.AsEnumerable().Reverse(), seen);
    }

    [Fact]
    public async Task ListPosts_SinceAndUntil_BoundCreatedAt()
    {
        var (_, client, account) = await TenantWithAccountAsync();
        var before = await CreateAsync(client, VideoPost(account.Id));
        var since = DateTimeOffset.UtcNow;
        var inside = await CreateAsync(client, VideoPost(account.Id));
        var until = DateTimeOffset.UtcNow;
        await CreateAsync(client, VideoPost(account.Id));
        string Q(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

        var data = await ListAsync(client, $"?since={Q(since)}&until={Q(until)}");

        Assert.Equal([inside], data.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.NotEqual(before, inside);
    }

    [Theory]
    [InlineData("?status=deleted")]
    [InlineData("?status=POSTED")]
    [InlineData("?status=Pending")]
    [InlineData("?status=1")]
    [InlineData("?status=")]
    [InlineData("?limit=0")]
    [InlineData("?limit=101")]
    [InlineData("?limit=ten")]
    [InlineData("?offset=-1")]
    [InlineData("?offset=10001")]
    [InlineData("?since=2026-01-01")]
    [InlineData("?until=2026-01-01T10:00:00")]
    [InlineData("?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z")]
    [InlineData("?cursor=garbage")]
    [InlineData("?cursor=djE6cG9zdHxhYmM")]
    [InlineData("?limit=1&limit=2")]
    public async Task ListPosts_BadQuery_Returns400InvalidQueryParameter(string query)
    {
        var (_, client, _) = await TenantWithAccountAsync();

        using var response = await client.GetAsync("/api/partner/v1/posts" + query, Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_query_parameter");
    }

    [Fact]
    public async Task ListPosts_CursorWithOffset_Returns400()
    {
        var (_, client, account) = await TenantWithAccountAsync();
        await CreateAsync(client, VideoPost(account.Id));
        await CreateAsync(client, VideoPost(account.Id));
        var cursor = (await ListAsync(client, "?limit=1")).GetProperty("next_cursor").GetString();

        using var response = await client.GetAsync($"/api/partner/v1/posts?cursor={cursor}&offset=0", Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_query_parameter");
    }

    [Fact]
    public async Task ListPosts_CursorOfOtherStatus_Returns400()
    {
        var (_, client, account) = await TenantWithAccountAsync();
        await CreateAsync(client, VideoPost(account.Id));
        await CreateAsync(client, VideoPost(account.Id));
        var cursor = (await ListAsync(client, "?limit=1")).GetProperty("next_cursor").GetString();

        using var response = await client.GetAsync($"/api/partner/v1/posts?status=failed&cursor={cursor}", Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_query_parameter");
    }
}
