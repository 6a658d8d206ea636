using System.Text.Json.Serialization;
using Genviral.Functions.Accounts;
using Genviral.Functions.Analytics;
using Genviral.Functions.Posts;
using Genviral.Functions.Service;
using Genviral.Functions.Subscriptions;
using Genviral.Functions.Webhooks;

namespace Genviral.Functions.Api;

/// <summary>
/// Source-generated contracts of the wire format. Most names are snake_case; the few camelCase names the
/// public API uses are set per property with [JsonPropertyName], never by a second naming policy.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(Envelope<AccountsData>))]
[JsonSerializable(typeof(Envelope<SubscriptionData>))]
[JsonSerializable(typeof(Envelope<HealthData>))]
[JsonSerializable(typeof(Envelope<PostResponse>))]
[JsonSerializable(typeof(Envelope<PostWriteResponse>))]
[JsonSerializable(typeof(Envelope<PostListResponse>))]
[JsonSerializable(typeof(Envelope<DeletePostsResponse>))]
[JsonSerializable(typeof(Envelope<RetryPostsResponse>))]
[JsonSerializable(typeof(Envelope<TargetListResponse>))]
[JsonSerializable(typeof(Envelope<CreateTargetResponse>))]
[JsonSerializable(typeof(Envelope<TargetResponse>))]
[JsonSerializable(typeof(Envelope<DeleteTargetResponse>))]
[JsonSerializable(typeof(Envelope<RefreshQueuedResponse>))]
[JsonSerializable(typeof(Envelope<RefreshResponse>))]
[JsonSerializable(typeof(Envelope<AnalyticsSummaryResponse>))]
[JsonSerializable(typeof(Envelope<AnalyticsPostsResponse>))]
[JsonSerializable(typeof(Envelope<WebhookResponse>))]
[JsonSerializable(typeof(Envelope<WebhookListResponse>))]
[JsonSerializable(typeof(Envelope<DeleteWebhookResponse>))]
[JsonSerializable(typeof(Envelope<DeliveryResponse>))]
[JsonSerializable(typeof(Envelope<DeliveryListResponse>))]
[JsonSerializable(typeof(WebhookEventBody<WebhookResponse>))]
[JsonSerializable(typeof(WebhookEventBody<PostResponse>))]
[JsonSerializable(typeof(WebhookEventBody<RefreshResponse>))]
[JsonSerializable(typeof(CreateWebhookRequest))]
[JsonSerializable(typeof(UpdateWebhookRequest))]
[JsonSerializable(typeof(CreatePostRequest))]
[JsonSerializable(typeof(UpdatePostRequest))]
[JsonSerializable(typeof(DeletePostsRequest))]
[JsonSerializable(typeof(RetryPostsRequest))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
