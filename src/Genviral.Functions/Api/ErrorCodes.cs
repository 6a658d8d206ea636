namespace Genviral.Functions.Api;

/// <summary>
/// Every <c>error_code</c> the API can answer with. The OpenAPI document lists exactly these, so a code used
/// anywhere must be declared here.
/// </summary>
internal static class ErrorCodes
{
    public const string InvalidToken = "invalid_token";
    public const string SubscriptionRequired = "subscription_required";
    public const string TierNotAllowed = "tier_not_allowed";
    public const string InvalidJson = "invalid_json";
    public const string InvalidPayload = "invalid_payload";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string PayloadTooLarge = "payload_too_large";
    public const string BadRequest = "bad_request";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string StorageUnavailable = "storage_unavailable";
    public const string InternalError = "internal_error";
    public const string AccountsFailed = "accounts_failed";
    public const string SubscriptionLookupFailed = "subscription_lookup_failed";
    public const string ValidationFailed = "validation_failed";
    public const string UnknownAccounts = "unknown_accounts";
    public const string MissingAccounts = "missing_accounts";
    public const string InvalidMusicUrl = "invalid_music_url";
    public const string CreateFailed = "create_failed";
    public const string UpdateFailed = "update_failed";
    public const string GetFailed = "get_failed";
    public const string ListFailed = "list_failed";
    public const string ExternalIdImmutable = "external_id_immutable";
    public const string PreconditionFailed = "precondition_failed";
    public const string TooManyPostIds = "too_many_post_ids";
    public const string BulkDeleteFailed = "bulk_delete_failed";
    public const string RetryFailed = "retry_failed";
    public const string InvalidQueryParameter = "invalid_query_parameter";
    public const string UnsupportedPlatform = "unsupported_platform";
    public const string MissingIdentifier = "missing_identifier";
    public const string MissingTargetId = "missing_target_id";
    public const string MissingRefreshId = "missing_refresh_id";
    public const string TargetNotFound = "target_not_found";
    public const string RefreshNotFound = "refresh_not_found";
    public const string NoValidUpdates = "no_valid_updates";
    public const string InsufficientCredits = "insufficient_credits";
    public const string AnalyticsConflict = "analytics_conflict";
    public const string RateLimited = "rate_limited";
    public const string AnalyticsFailed = "analytics_failed";
    public const string WebhookLimitReached = "webhook_limit_reached";
    public const string WebhookDisabled = "webhook_disabled";
    public const string WebhooksFailed = "webhooks_failed";

    public static IReadOnlyList<string> All { get; } =
    [
        InvalidToken, SubscriptionRequired, TierNotAllowed, InvalidJson, InvalidPayload, UnsupportedMediaType,
        PayloadTooLarge, BadRequest, NotFound, MethodNotAllowed, StorageUnavailable, InternalError, AccountsFailed,
        SubscriptionLookupFailed, ValidationFailed, UnknownAccounts, MissingAccounts, InvalidMusicUrl, CreateFailed, UpdateFailed,
        GetFailed, ListFailed, ExternalIdImmutable, PreconditionFailed, TooManyPostIds, BulkDeleteFailed, RetryFailed, InvalidQueryParameter,
        UnsupportedPlatform, MissingIdentifier, MissingTargetId, MissingRefreshId, TargetNotFound, RefreshNotFound, NoValidUpdates,
        InsufficientCredits, AnalyticsConflict, RateLimited, AnalyticsFailed, WebhookLimitReached, WebhookDisabled, WebhooksFailed,
    ];
}
