using Genviral.Core.Webhooks;
using Genviral.Functions.Api;
using Genviral.Functions.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Webhooks;

[Tags("Webhooks")]
[RequireApiKey]
[FaultCode(ErrorCodes.WebhooksFailed)]
internal sealed class WebhookFunctions(JsonBody json, WebhookStore store, WebhookUrlRules urls, WebhookOutbox outbox, TimeProvider time)
{
    private const string WebhooksRoute = ApiRoutes.Base + "/webhooks";
    private const string WebhookRoute = WebhooksRoute + "/{id}";
    private const int DefaultDeliveryLimit = 20;
    private const int MaxDeliveryLimit = 100;
    private const string Example = "3f1d2c4b-5a69-4e7f-8a1b-2c3d4e5f6a7b";

    [Function(nameof(CreateWebhook))]
    [EndpointSummary("Register a receiver of events; the answer carries its signing secret, shown only now")]
    [EndpointDescription("url: https (http only for hosts on the operator's allow-list), at most 2,048 characters, and a public address. " +
        "events: event types, or [\"*\"] for every type, including types added later. At most 10 webhooks per scope. " +
        "Events are signed per Standard Webhooks with the secret (headers webhook-id, webhook-timestamp, webhook-signature); see the webhooks section.")]
    [AcceptsJson(typeof(CreateWebhookRequest))]
    [OpenApiExample(OpenApiExampleAttribute.Request, """
        {"url": "https://hooks.example.com/genviral", "events": ["post.published", "post.failed", "post.partial"], "description": "Production receiver"}
        """)]
    [OpenApiExample(201, $$$"""
        {"ok": true, "code": 201, "message": "Webhook created",
         "data": {"id": "{{{Example}}}", "url": "https://hooks.example.com/genviral", "events": ["post.published", "post.failed", "post.partial"],
                  "description": "Production receiver", "status": "active", "disabled_reason": null, "disabled_at": null, "consecutive_failures": 0,
                  "failing_since": null, "created_at": "2026-12-01T10:00:00.000Z", "updated_at": "2026-12-01T10:00:00.000Z",
                  "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwHmL9Ss5XEJw="}}
        """)]
    [ProducesErrors(400, 409, 413, 415, 422)]
    public async Task<Results<Created<Envelope<WebhookResponse>>, ApiError>> CreateWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = WebhooksRoute)] HttpRequest http, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var (body, bodyError) = await json.ReadObjectAsync(http, StatusCodes.Status422UnprocessableEntity, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var (fields, error) = await WebhookRequests.ParseAsync(body, create: true, urls, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (await store.CreateAsync(caller.Scope, fields!.Url!, fields.Events!, fields.Description, cancellationToken) is not { } created)
        {
            return new ApiError(StatusCodes.Status409Conflict, ErrorCodes.WebhookLimitReached,
                $"A scope can have at most {WebhookOptions.MaxPerScope} webhooks; delete one first");
        }

        var webhook = created.Stored.Webhook;
        http.HttpContext.Response.Headers.ETag = created.Stored.ETag.ToString();
        return TypedResults.Created($"/{WebhooksRoute}/{webhook.Id}",
            ApiJson.Envelope("Webhook created", webhook.ToResponse(created.Secret), StatusCodes.Status201Created));
    }

    [Function(nameof(ListWebhooks))]
    [EndpointSummary("Every webhook of the scope, oldest first (never their secrets)")]
    public async Task<Ok<Envelope<WebhookListResponse>>> ListWebhooks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = WebhooksRoute)] HttpRequest http, CancellationToken cancellationToken)
    {
        var webhooks = await store.ListAsync(http.Caller().Scope, cancellationToken);
        return TypedResults.Ok(ApiJson.Envelope("Webhooks retrieved", new WebhookListResponse([.. webhooks.Select(w => w.Webhook.ToResponse())])));
    }

    [Function(nameof(GetWebhook))]
    [EndpointSummary("One webhook; disabled_reason says why a disabled one stopped receiving events. The ETag header guards a later PATCH or DELETE")]
    [ProducesErrors(404)]
    public async Task<Results<Ok<Envelope<WebhookResponse>>, ApiError>> GetWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = WebhookRoute)] HttpRequest http, string id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(http.Caller().Scope, id, cancellationToken) is not { } stored)
        {
            return WebhookNotFound();
        }

        http.HttpContext.Response.Headers.ETag = stored.ETag.ToString();
        return TypedResults.Ok(ApiJson.Envelope("Webhook retrieved", stored.Webhook.ToResponse()));
    }

    [Function(nameof(UpdateWebhook))]
    [EndpointSummary("Change url, events, description or status (active|disabled)")]
    [EndpointDescription("status: active re-enables a disabled webhook and clears its failure record; a new url also clears it. A disabled webhook " +
        "given a new url stays disabled until status: active. Events that happened while it was disabled are not sent later. " +
        "With If-Match, a stale ETag answers 412 precondition_failed.")]
    [AcceptsJson(typeof(UpdateWebhookRequest))]
    [OpenApiExample(OpenApiExampleAttribute.Request, """{"events": ["*"], "status": "active"}""")]
    [ProducesErrors(400, 404, 409, 412, 413, 415, 422)]
    public async Task<Results<Ok<Envelope<WebhookResponse>>, ApiError>> UpdateWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = WebhookRoute)] HttpRequest http, string id, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var (body, bodyError) = await json.ReadObjectAsync(http, StatusCodes.Status422UnprocessableEntity, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var (fields, error) = await WebhookRequests.ParseAsync(body, create: false, urls, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (!fields!.Any)
        {
            return new ApiError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.InvalidPayload, "Give at least one of url, events, description, status");
        }

        var write = await store.ChangeAsync(caller.Scope, id, w => fields.ApplyTo(w, time.GetUtcNow()), http.Headers.IfMatch.ToString(), cancellationToken);
        if (write.Outcome != WebhookWriteOutcome.Done)
        {
            return WriteError(write.Outcome);
        }

        http.HttpContext.Response.Headers.ETag = write.Webhook!.ETag.ToString();
        return TypedResults.Ok(ApiJson.Envelope("Webhook updated", write.Webhook.Webhook.ToResponse()));
    }

    [Function(nameof(DeleteWebhook))]
    [EndpointSummary("Delete a webhook with its secret and delivery log; nothing more is sent to it")]
    [EndpointDescription("With If-Match, a stale ETag answers 412 precondition_failed.")]
    [OpenApiExample(200, $$$"""{"ok": true, "code": 200, "message": "Webhook deleted", "data": {"id": "{{{Example}}}", "deleted": true}}""")]
    [ProducesErrors(404, 409, 412)]
    public async Task<Results<Ok<Envelope<DeleteWebhookResponse>>, ApiError>> DeleteWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = WebhookRoute)] HttpRequest http, string id, CancellationToken cancellationToken)
    {
        var outcome = await store.DeleteAsync(http.Caller().Scope, id, http.Headers.IfMatch.ToString(), cancellationToken);
        return outcome == WebhookWriteOutcome.Done
            ? TypedResults.Ok(ApiJson.Envelope("Webhook deleted", new DeleteWebhookResponse(id, true)))
            : WriteError(outcome);
    }

    [Function(nameof(RotateWebhookSecret))]
    [EndpointSummary("Issue a new signing secret, shown only in this answer; the old one keeps signing beside it for 24 hours")]
    [EndpointDescription("During the 24 hours webhook-signature carries two signatures, space-separated: one with the new secret, one with the old. " +
        "Accept a message when either verifies, switch your receiver to the new secret, and the old signature stops by itself.")]
    [ProducesErrors(404, 409)]
    public async Task<Results<Ok<Envelope<WebhookResponse>>, ApiError>> RotateWebhookSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = WebhookRoute + "/rotate-secret")] HttpRequest http, string id, CancellationToken cancellationToken)
    {
        var scope = http.Caller().Scope;
        if (await store.RotateSecretAsync(scope, id, cancellationToken) is not { } rotated || await store.GetAsync(scope, id, cancellationToken) is not { } stored)
        {
            return WebhookNotFound();
        }

        return TypedResults.Ok(ApiJson.Envelope("Webhook secret rotated", stored.Webhook.ToResponse(rotated.Secret, rotated.PreviousExpiresAt)));
    }

    [Function(nameof(TestWebhook))]
    [EndpointSummary("Queue a webhook.test event to this webhook (whatever it subscribes to); its data is the webhook as GET /webhooks/{id} shows it")]
    [EndpointDescription("The answer is the new delivery; follow it in GET /webhooks/{id}/deliveries. A disabled webhook answers 409 webhook_disabled: " +
        "set status: active first.")]
    [ProducesErrors(404, 409)]
    public async Task<Results<Accepted<Envelope<DeliveryResponse>>, ApiError>> TestWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = WebhookRoute + "/test")] HttpRequest http, string id, CancellationToken cancellationToken)
    {
        var scope = http.Caller().Scope;
        if (await store.GetAsync(scope, id, cancellationToken) is not { } stored)
        {
            return WebhookNotFound();
        }

        if (stored.Webhook.Status == WebhookStatus.Disabled)
        {
            return new ApiError(StatusCodes.Status409Conflict, ErrorCodes.WebhookDisabled, "The webhook is disabled; set status: active to test it");
        }

        var e = new WebhookEvent(WebhookEvent.NewId(), WebhookEvents.WebhookTest, time.GetUtcNow(), WebhookSubject.Webhook,
            WebhookEvent.Snapshot(WebhookEntity.ToEntity(scope.PartitionKey, stored.Webhook)));
        var delivery = await outbox.EnqueueAsync(scope, id, e, cancellationToken);
        return TypedResults.Accepted($"/{WebhookRoute.Replace("{id}", id, StringComparison.Ordinal)}/deliveries",
            ApiJson.Envelope("Test event queued", delivery.ToResponse(), StatusCodes.Status202Accepted));
    }

    [Function(nameof(ListWebhookDeliveries))]
    [EndpointSummary("The webhook's deliveries, newest first: event id and type, attempts, last status code and error, next attempt, delivered_at")]
    [EndpointDescription("Query: limit (1–100, default 20), cursor (next_cursor of the previous page). Deliveries are kept 30 days.")]
    [ProducesErrors(400, 404)]
    public async Task<Results<Ok<Envelope<DeliveryListResponse>>, ApiError>> ListWebhookDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = WebhookRoute + "/deliveries")] HttpRequest http, string id, CancellationToken cancellationToken)
    {
        var scope = http.Caller().Scope;
        var query = http.Query;
        if (query.FirstOrDefault(q => q.Value.Count > 1) is { Key: not null } repeated)
        {
            return BadQuery(repeated.Key, "must be given once");
        }

        if (!QueryParameters.TryInt(query, "limit", DefaultDeliveryLimit, 1, MaxDeliveryLimit, out var limit))
        {
            return BadQuery("limit", $"must be an integer from 1 to {MaxDeliveryLimit}");
        }

        string? after = null;
        if (query.TryGetValue("cursor", out var cursor)
            && ((after = QueryParameters.DecodeCursor(cursor.ToString())) is null || !WebhookStore.IsDeliveryKeyOf(after, id)))
        {
            return BadQuery("cursor", "is not a cursor of this listing (pass next_cursor back unchanged)");
        }

        if (await store.GetAsync(scope, id, cancellationToken) is null)
        {
            return WebhookNotFound();
        }

        var page = await store.ListDeliveriesAsync(scope, id, after, limit, cancellationToken);
        return TypedResults.Ok(ApiJson.Envelope("Webhook deliveries retrieved",
            new DeliveryListResponse([.. page.Deliveries.Select(d => d.ToResponse())], QueryParameters.EncodeCursor(page.LastKey))));
    }

    private static ApiError WebhookNotFound() => ApiError.NotFound("Webhook not found");

    private static ApiError WriteError(WebhookWriteOutcome outcome) => outcome == WebhookWriteOutcome.PreconditionFailed
        ? new ApiError(StatusCodes.Status412PreconditionFailed, ErrorCodes.PreconditionFailed, "The webhook changed since the ETag in If-Match was read")
        : WebhookNotFound();

    private static ApiError BadQuery(string name, string problem) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidQueryParameter, $"Query parameter {name} {problem}");
}
