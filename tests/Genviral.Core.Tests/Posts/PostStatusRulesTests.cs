using Genviral.Core.Accounts;
using Genviral.Core.Posts;

namespace Genviral.Core.Tests.Posts;

/// <summary>The post status from its account states (section 4 of the contract), and what each status allows.</summary>
public sealed class PostStatusRulesTests
{
    [Theory]
    [InlineData("posted,posted", "pending", "posted")]
    [InlineData("failed,failed", "scheduled", "failed")]
    [InlineData("posted,failed", "pending", "partial")]
    [InlineData("posted,failed,failed", "pending", "partial")]
    [InlineData("posted,retry", "pending", "retry")]
    [InlineData("failed,retry", "pending", "retry")]
    [InlineData("pending,retry", "pending", "retry")]
    [InlineData("posted,pending", "pending", "pending")]
    [InlineData("failed,scheduled", "scheduled", "scheduled")]
    [InlineData("pending,pending", "draft", "draft")]
    [InlineData("", "scheduled", "scheduled")]
    public void Derive_States_GiveThePostStatus(string states, string prePublish, string expected)
    {
        var accountStates = states.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select((s, i) => new AccountState($"a{i}", Platform.Tiktok, AccountType.Hosted, Parse(s))).ToList();

        Assert.Equal(Parse(expected), PostStatusRules.Derive(accountStates, Parse(prePublish)));
    }

    [Theory]
    [InlineData(PostStatus.Draft, true, true, false)]
    [InlineData(PostStatus.Pending, true, true, false)]
    [InlineData(PostStatus.Scheduled, true, true, false)]
    [InlineData(PostStatus.Retry, true, true, false)]
    [InlineData(PostStatus.Failed, true, true, true)]
    [InlineData(PostStatus.Partial, false, false, true)]
    [InlineData(PostStatus.Posted, false, false, false)]
    public void Status_AllowsWhatTheContractTableSays(PostStatus status, bool edit, bool delete, bool retry)
    {
        Assert.Equal(edit, PostStatusRules.CanEdit(status));
        Assert.Equal(delete, PostStatusRules.CanDelete(status));
        Assert.Equal(retry, PostStatusRules.CanRetry(status));
    }

    [Theory]
    [InlineData("posted", PostStatus.Posted)]
    [InlineData("retry", PostStatus.Retry)]
    public void TryParse_WireName_Parses(string text, PostStatus expected)
    {
        Assert.True(PostStatusRules.TryParse(text, out var status));
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("POSTED")]
    [InlineData("Posted")]
    [InlineData(" posted")]
    [InlineData("4")]
    [InlineData("canceled")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_OtherSpelling_IsRefused(string? text)
    {
        Assert.False(PostStatusRules.TryParse(text, out _));
    }

    private static PostStatus Parse(string text) => PostStatusRules.TryParse(text, out var status) ? status : throw new ArgumentException(text);
}
