using System.Text.Json.Nodes;
using Genviral.Core.Webhooks;
using Genviral.Functions.Analytics;
using Genviral.Functions.Posts;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Genviral.Functions.Webhooks;

/// <summary>
/// The events in the OpenAPI document: one entry per event type under OpenAPI 3.1's <c>webhooks</c>, each with the
/// Standard Webhooks headers and the body schema, whose <c>data</c> is the schema of the API's own answer for that object.
/// </summary>
internal static class WebhookDocument
{
    private const string Delivery =
        "Sent as a POST with Content-Type application/json to every active webhook of the scope that subscribes to the type (or to *). " +
        "Signed per Standard Webhooks (https://www.standardwebhooks.com): webhook-signature is v1,<base64 HMAC-SHA256 of \"{webhook-id}.{webhook-timestamp}.{body}\" " +
        "keyed with the base64-decoded part of the secret after whsec_>; during the 24 hours after a secret rotation it holds two signatures, " +
        "space-separated, and a message is genuine when any of them verifies. Reject messages whose webhook-timestamp is more than 5 minutes off. " +
        "Delivery is at least once: answer 2xx within 10 seconds; any other answer, a redirect (never followed) or no answer is retried after about " +
        "5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, each with the same webhook-id, so drop ids you have already processed. " +
        "Order is not guaranteed: an event carries its object whole, as it was when the event happened, so each can be processed alone. " +
        "410 Gone disables the webhook at once; 50 failed attempts in a row, or failures for 3 days, disable it too (GET /webhooks/{id} says why).";

    private static readonly Dictionary<string, (string Summary, string Schema)> Events = new(StringComparer.Ordinal)
    {
        [WebhookEvents.PostPublished] = ("The post's status became posted: every account published it", nameof(PostResponse)),
        [WebhookEvents.PostPartial] = ("The post's status became partial: some accounts published it and the others failed", nameof(PostResponse)),
        [WebhookEvents.PostFailed] = ("The post's status became failed: no account published it", nameof(PostResponse)),
        [WebhookEvents.PostAccountPublished] = ("One account published the post; account_id names it, data is the post", nameof(PostResponse)),
        [WebhookEvents.PostAccountFailed] = ("One account's publishing failed for good; account_id names it, data is the post", nameof(PostResponse)),
        [WebhookEvents.MediaFailed] = ("The post's media could not be fetched or is not valid; every account state says why", nameof(PostResponse)),
        [WebhookEvents.AnalyticsRefreshCompleted] = ("An analytics refresh completed", nameof(RefreshResponse)),
        [WebhookEvents.AnalyticsRefreshFailed] = ("An analytics refresh failed; its credit, if any, was refunded", nameof(RefreshResponse)),
        [WebhookEvents.WebhookTest] = ("Sent by POST /webhooks/{id}/test; data is the webhook", nameof(WebhookResponse)),
    };

    public static async Task DescribeAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var bodies = new Dictionary<string, Type>(StringComparer.Ordinal)
        {
            [nameof(PostResponse)] = typeof(WebhookEventBody<PostResponse>),
            [nameof(RefreshResponse)] = typeof(WebhookEventBody<RefreshResponse>),
            [nameof(WebhookResponse)] = typeof(WebhookEventBody<WebhookResponse>),
        };
        var schemas = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var (name, type) in bodies)
        {
            var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
            schema.Description = "An event: its type, when it happened (ISO 8601 UTC), and data, the object as the API returns it.";
            document.AddComponent(name + "Event", schema);
            schemas[name] = new OpenApiSchemaReference(name + "Event", document);
        }

        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        foreach (var (type, (summary, schema)) in Events)
        {
            var operation = new OpenApiOperation
            {
                OperationId = "Event_" + type.Replace('.', '_'),
                Summary = summary,
                Description = Delivery,
                Tags = new HashSet<OpenApiTagReference> { new("Webhooks", document) },
                Parameters =
                [
                    Header("webhook-id", "The event's id (evt_…), the same in every attempt: dedupe on it."),
                    Header("webhook-timestamp", "Unix seconds when this attempt was signed."),
                    Header("webhook-signature", "v1,<base64 signature>, one per valid secret, space-separated."),
                ],
                RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = schemas[schema], Example = new JsonObject { ["type"] = type, ["timestamp"] = "2026-12-01T15:00:04.512Z", ["data"] = new JsonObject() } },
                    },
                },
                Responses = new OpenApiResponses
                {
                    ["2XX"] = new OpenApiResponse { Description = "Received; the delivery is done." },
                    ["410"] = new OpenApiResponse { Description = "Gone: the webhook is disabled at once." },
                    ["default"] = new OpenApiResponse { Description = "Any other answer, or none within 10 seconds, is retried." },
                },
            };
            document.Webhooks[type] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Post] = operation } };
        }
    }

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
