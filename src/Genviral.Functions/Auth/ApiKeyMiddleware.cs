using Genviral.Core.Auth;
using Genviral.Core.Tenancy;
using Genviral.Functions.Api;

namespace Genviral.Functions.Auth;

/// <summary>
/// Authenticates endpoints marked RequireApiKey before their bodies are read, so an unauthenticated caller
/// learns nothing from validation errors. Every token failure is the same 401: the message never says whether
/// the key exists, the secret was wrong or the key was revoked.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyStore keys, TenantStore tenants, KeyUsageRecorder usage, TimeProvider time)
{
    private static readonly ApiError InvalidToken = new(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidToken, "Invalid or missing API key");

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresApiKeyMetadata>() is null)
        {
            await next(context);
            return;
        }

        var cancellationToken = context.RequestAborted;
        if (!TryReadBearer(context.Request, out var token) || !ApiToken.TryParse(token, out var publicId, out var secret))
        {
            await Challenge(context);
            return;
        }

        var key = await keys.VerifyAsync(publicId, secret, cancellationToken);
        if (key is null || !key.IsActive)
        {
            await Challenge(context);
            return;
        }

        var subscription = await tenants.GetCachedSubscriptionAsync(key.Scope, cancellationToken);
        var now = time.GetUtcNow();
        if (subscription is null || !subscription.IsInForce(now))
        {
            await new ApiError(StatusCodes.Status402PaymentRequired, ErrorCodes.SubscriptionRequired,
                "An active Creator, Professional or Business subscription is required").WriteAsync(context);
            return;
        }

        if (subscription.Plan == Plan.Scheduler)
        {
            await new ApiError(StatusCodes.Status403Forbidden, ErrorCodes.TierNotAllowed,
                "The Scheduler plan does not include Partner API access").WriteAsync(context);
            return;
        }

        await usage.RecordAsync(key, now, cancellationToken);
        context.Features.Set(new Caller(key, subscription));
        await next(context);
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

    private static Task Challenge(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return InvalidToken.WriteAsync(context);
    }
}
