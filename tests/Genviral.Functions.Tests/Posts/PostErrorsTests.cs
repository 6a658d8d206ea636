using Genviral.Core.Posts;
using Genviral.Functions.Posts;

namespace Genviral.Functions.Tests.Posts;

public sealed class PostErrorsTests
{
    [Theory]
    [InlineData(nameof(PostRejectionKind.InvalidPayload), 422, "invalid_payload")]
    [InlineData(nameof(PostRejectionKind.MissingAccounts), 400, "missing_accounts")]
    [InlineData(nameof(PostRejectionKind.UnknownAccounts), 400, "unknown_accounts")]
    [InlineData(nameof(PostRejectionKind.ValidationFailed), 400, "validation_failed")]
    [InlineData(nameof(PostRejectionKind.InvalidMusicUrl), 400, "invalid_music_url")]
    public void ToApiError_RejectionKind_HasItsStatusAndErrorCodeWithMessageAndIssues(string kind, int status, string code)
    {
        var error = new PostRejection(Enum.Parse<PostRejectionKind>(kind), "why", [new RuleIssue("caption", "first"), new RuleIssue("media", "second")]).ToApiError();

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal("why", error.Value.Message);
        Assert.Equal([new("caption", "first"), new("media", "second")], error.Value.Issues!);
    }

    [Theory]
    [InlineData(nameof(UpdateOutcome.NotFound), 404, "not_found", "Post not found")]
    [InlineData(nameof(UpdateOutcome.PreconditionFailed), 412, "precondition_failed", "The post changed since you read it (If-Match does not match its ETag)")]
    public void ToApiError_UpdateOutcome_HasItsStatusCodeAndMessage(string outcome, int status, string code, string message)
    {
        var error = new UpdateResult(Enum.Parse<UpdateOutcome>(outcome)).ToApiError();

        Assert.Equal((status, code, message), (error.StatusCode, error.ErrorCode, error.Value.Message));
        Assert.Null(error.Value.Issues);
    }

    [Fact]
    public void ToApiError_NotEditable_IsItsRejection()
    {
        var error = new UpdateResult(UpdateOutcome.NotEditable, Rejection: new(PostRejectionKind.ValidationFailed, "A posted post cannot be edited", [new("status", "Post is posted")]))
            .ToApiError();

        Assert.Equal((400, "validation_failed", "A posted post cannot be edited"), (error.StatusCode, error.ErrorCode, error.Value.Message));
    }
}
