using Genviral.Core.Auth;
using Genviral.Core.Tenancy;
using Genviral.Functions.Api;

namespace Genviral.Functions.Auth;

/// <summary>
/// Authenticates a request to a function marked RequireApiKey before the function reads anything, so an
/// unauthenticated caller learns nothing from validation errors. Every token failure is the same 401: the message
/// never says whether the key exists, the secret was wrong or the key was revoked.
/// </summary>
internal sealed class ApiKeyAuthenticator(ApiKeyStore keys, TenantStore tenants, KeyUsageRecorder usage, TimeProvider time)
{
    /// <summary>Sets the request's <see cref="Caller"/>, or answers the error that stops it.</summary>
    public async Task<ApiError?> AuthenticateAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        if (!TryReadBearer(context.Request, out var token) || !ApiToken.TryParse(token, out var publicId, out var secret))
        {
            return Challenge();
        }

        var key = await keys.VerifyAsync(publicId, secret, cancellationToken);
        if (key is null || !key.IsActive)
        {
            return Challenge();
        }

        var subscription = await tenants.GetCachedSubscriptionAsync(key.Scope, cancellationToken);
        var now = time.GetUtcNow();
        if (subscription is null || !subscription.IsInForce(now))
        {
            return new ApiError(StatusCodes.Status402PaymentRequired, ErrorCodes.SubscriptionRequired,
                "An active Creator, Professional or Business subscription is required");
        }

        if (subscription.Plan == Plan.Scheduler)
        {
            return new ApiError(StatusCodes.Status403Forbidden, ErrorCodes.TierNotAllowed, "The Scheduler plan does not include Partner API access");
        }

        await usage.RecordAsync(key, now, cancellationToken);
        context.Features.Set(new Caller(key, subscription));
        return null;
    }

    private static bool TryReadBearer(HttpRequest request, out string token)
    {
        token = "";
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = value["Bearer ".Length..].Trim();
        return token.Length > 0;
    }

    private static ApiError Challenge()
    {
        var error = new ApiError(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidToken, "Invalid or missing API key");
        error.Headers["WWW-Authenticate"] = "Bearer";
        return error;
    }
}
