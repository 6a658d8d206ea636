using Genviral.Core.Posts;
using Genviral.Functions.Api;

namespace Genviral.Functions.Posts;

/// <summary>The one place where Core's refusals of a post write become envelope errors.</summary>
internal static class PostErrors
{
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
}
