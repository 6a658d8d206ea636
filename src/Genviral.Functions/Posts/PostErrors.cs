using Genviral.Core.Posts;
using Genviral.Functions.Api;

namespace Genviral.Functions.Posts;

/// <summary>The one place where Core's refusals of a post write become envelope errors.</summary>
internal static class PostErrors
{
    /// <summary>Why a bulk delete or retry left a post as it was: other writers kept changing it (Storage:ConflictRetries).</summary>
    public const string Changing = "Post is changing; try again";

    public static ApiError ToApiError(this PostRejection rejection)
    {
        var (status, code) = rejection.Kind switch
        {
            PostRejectionKind.InvalidPayload => (StatusCodes.Status422UnprocessableEntity, ErrorCodes.InvalidPayload),
            PostRejectionKind.MissingAccounts => (StatusCodes.Status400BadRequest, ErrorCodes.MissingAccounts),
            PostRejectionKind.UnknownAccounts => (StatusCodes.Status400BadRequest, ErrorCodes.UnknownAccounts),
            PostRejectionKind.InvalidMusicUrl => (StatusCodes.Status400BadRequest, ErrorCodes.InvalidMusicUrl),
            _ => (StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed),
        };
        return new ApiError(status, code, rejection.Message, [.. rejection.Issues.Select(i => new FieldIssue(i.Field, i.Message))]);
    }

    /// <summary>Why a patch was not applied.</summary>
    public static ApiError ToApiError(this UpdateResult result) => result.Outcome switch
    {
        UpdateOutcome.NotFound => ApiError.NotFound("Post not found"),
        UpdateOutcome.PreconditionFailed => new(StatusCodes.Status412PreconditionFailed, ErrorCodes.PreconditionFailed,
            "The post changed since you read it (If-Match does not match its ETag)"),
        // NotEditable and Rejected carry the rule that refused the patch.
        _ => result.Rejection!.ToApiError(),
    };
}
