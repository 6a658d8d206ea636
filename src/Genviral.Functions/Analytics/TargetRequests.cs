using System.Text.Json;
using Genviral.Core.Accounts;
using Genviral.Core.Analytics;
using Genviral.Functions.Api;

namespace Genviral.Functions.Analytics;

internal sealed record CreateTargetRequest(Platform Platform, string Identifier, string? Alias);


/// <summary>Reads the analytics request bodies; camelCase names as documented, snake_case accepted too.</summary>
internal static class TargetRequests
{
    public const int MaxIdentifierLength = 100;
    public const int MaxDisplayNameLength = 100;

    public static (CreateTargetRequest? Request, ApiError? Error) ParseCreate(JsonElement body)
    {
        if (body.TryGetProperty("platform", out var platformElement) is false || platformElement.ValueKind != JsonValueKind.String
            || !AccountEnums.TryParseWire<Platform>(platformElement.GetString(), out var platform))
        {
            return (null, Bad(ErrorCodes.UnsupportedPlatform, "platform must be one of tiktok, instagram, youtube"));
        }

        if (!body.TryGetProperty("identifier", out var identifierElement) || identifierElement.ValueKind != JsonValueKind.String
            || AnalyticsStore.Normalize(identifierElement.GetString()!).Length == 0)
        {
            return (null, Bad(ErrorCodes.MissingIdentifier, "identifier is required, e.g. \"@brand\""));
        }

        var identifier = identifierElement.GetString()!.Trim();
        if (identifier.Length > MaxIdentifierLength || identifier.Any(char.IsControl))
        {
            return (null, Bad(ErrorCodes.InvalidPayload, $"identifier must be at most {MaxIdentifierLength} printable characters"));
        }

        string? alias = null;
        if (Property(body, "alias", "display_name") is { } aliasElement && aliasElement.ValueKind != JsonValueKind.Null)
        {
            if (aliasElement.ValueKind != JsonValueKind.String || aliasElement.GetString()!.Trim() is not { Length: > 0 and <= MaxDisplayNameLength } a)
            {
                return (null, Bad(ErrorCodes.InvalidPayload, $"alias must be a string of 1 to {MaxDisplayNameLength} characters"));
            }

            alias = a;
        }

        return (new CreateTargetRequest(platform, identifier, alias), null);
    }

    public static (TargetPatch? Request, ApiError? Error) ParseUpdate(JsonElement body)
    {
        var displayNamePresent = false;
        string? displayName = null;
        if (Property(body, "displayName", "display_name") is { } nameElement)
        {
            if (nameElement.ValueKind == JsonValueKind.String && nameElement.GetString()!.Trim() is { Length: > 0 and <= MaxDisplayNameLength } name)
            {
                displayName = name;
            }
            else if (nameElement.ValueKind != JsonValueKind.Null)
            {
                return (null, Bad(ErrorCodes.InvalidPayload, $"displayName must be null or a string of 1 to {MaxDisplayNameLength} characters"));
            }

            displayNamePresent = true;
        }

        var policyPresent = false;
        RefreshPolicy? policy = null;
        if (Property(body, "refreshPolicy", "refresh_policy") is { } policyElement)
        {
            if (policyElement.ValueKind == JsonValueKind.Object)
            {
                var (parsed, error) = ParsePolicy(policyElement);
                if (error is not null)
                {
                    return (null, error);
                }

                policy = parsed;
                policyPresent = policy is not null;
            }
            else if (policyElement.ValueKind == JsonValueKind.Null)
            {
                policyPresent = true;
            }
            else
            {
                return (null, Bad(ErrorCodes.InvalidPayload, "refreshPolicy must be an object {freeDailyRefresh, maxPosts} or null"));
            }
        }

        bool? favorite = null;
        if (body.TryGetProperty("favorite", out var favoriteElement))
        {
            if (favoriteElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return (null, Bad(ErrorCodes.InvalidPayload, "favorite must be true or false"));
            }

            favorite = favoriteElement.GetBoolean();
        }

        return !displayNamePresent && !policyPresent && favorite is null
            ? (null, Bad(ErrorCodes.NoValidUpdates, "Give at least one of displayName, refreshPolicy, favorite"))
            : (new TargetPatch(displayNamePresent, displayName, policyPresent, policy, favorite), null);
    }

    /// <summary>Null when the object names neither key, which is not an update.</summary>
    private static (RefreshPolicy?, ApiError?) ParsePolicy(JsonElement element)
    {
        bool? free = null;
        int? maxPosts = null;
        var any = false;
        if (Property(element, "freeDailyRefresh", "free_daily_refresh") is { } freeElement)
        {
            if (freeElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return (null, Bad(ErrorCodes.InvalidPayload, "refreshPolicy.freeDailyRefresh must be true or false"));
            }

            free = freeElement.GetBoolean();
            any = true;
        }

        if (Property(element, "maxPosts", "max_posts") is { } maxElement)
        {
            if (maxElement.ValueKind != JsonValueKind.Number || !maxElement.TryGetInt32(out var max) || max is < 1 or > RefreshPolicy.MaxMaxPosts)
            {
                return (null, Bad(ErrorCodes.InvalidPayload, $"refreshPolicy.maxPosts must be an integer from 1 to {RefreshPolicy.MaxMaxPosts}"));
            }

            maxPosts = max;
            any = true;
        }

        return (any ? new RefreshPolicy(free, maxPosts) : null, null);
    }

    private static JsonElement? Property(JsonElement body, string name, string alias) =>
        body.TryGetProperty(name, out var value) || body.TryGetProperty(alias, out value) ? value : null;

    private static ApiError Bad(string code, string message) => new(StatusCodes.Status400BadRequest, code, message);
}
