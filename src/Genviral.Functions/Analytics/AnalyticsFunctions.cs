using System.Globalization;
using Genviral.Core.Analytics;
using Genviral.Functions.Api;
using Genviral.Functions.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Analytics;

[Tags("Analytics")]
[RequireApiKey]
[FaultCode(ErrorCodes.AnalyticsFailed)]
internal sealed class AnalyticsFunctions(
    JsonBody json, AnalyticsStore store, AnalyticsRefreshes refreshes, AnalyticsSummaries summaries, TimeProvider time)
{
    private const string Analytics = ApiRoutes.Base + "/analytics";
    private const string Targets = Analytics + "/targets";
    private const string Target = Targets + "/{id}";
    private const string Example = "7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f";

    [Function(nameof(ListAnalyticsTargets))]
    [EndpointSummary("Every tracked handle of the scope, with its last refresh, latest snapshot and free_refresh_available")]
    [OpenApiExample(200, $$$"""
        {"ok": true, "code": 200, "message": "Analytics targets retrieved",
         "data": {"workspace_id": "3b0c…", "targets": [{"id": "{{{Example}}}", "target_id": "{{{Example}}}", "user_id": "1d2e…", "workspace_id": "3b0c…",
           "platform": "tiktok", "identifier": "@brand", "normalized_identifier": "brand", "display_name": "Brand", "favorite": false,
           "refresh_policy": null, "last_refreshed_at": "2026-12-01T06:00:02.120Z",
           "last_refresh": {"id": "0e9d…", "status": "completed", "completed_at": "2026-12-01T06:00:02.120Z"},
           "latest_snapshot": {"followers": 12040, "views": 880100, "likes": 51200, "captured_at": "2026-12-01T06:00:02.120Z"},
           "free_refresh_available": true, "created_at": "2026-11-20T09:00:00.000Z", "metadata": {"favorite": false}}]}}
        """)]
    public async Task<Ok<Envelope<TargetListResponse>>> ListAnalyticsTargets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Targets)] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = request.Caller();
        var today = AnalyticsKeys.Day(time.GetUtcNow());
        var targets = await store.ListTargetsAsync(caller.Scope, cancellationToken);
        return TypedResults.Ok(ApiJson.Envelope("Analytics targets retrieved",
            new TargetListResponse(caller.Scope.WorkspaceId, [.. targets.Select(t => t.ToResponse(caller.Scope, today))])));
    }

    [Function(nameof(CreateAnalyticsTarget))]
    [EndpointSummary("Track a handle; idempotent by platform and normalized identifier (trimmed, no leading @, lower case)")]
    [OpenApiExample(OpenApiExampleAttribute.Request, """{"platform": "tiktok", "identifier": "@Brand", "alias": "Brand (main)"}""")]
    [OpenApiExample(201, $$$"""
        {"ok": true, "code": 201, "message": "Analytics target created", "data": {"created": true, "target": {"id": "{{{Example}}}", "target_id": "{{{Example}}}",
         "platform": "tiktok", "identifier": "@Brand", "normalized_identifier": "brand", "display_name": "Brand (main)", "last_refreshed_at": null,
         "free_refresh_available": true} } }
        """)]
    [ProducesErrors(400, 409, 413, 415)]
    public async Task<Results<Created<Envelope<CreateTargetResponse>>, Ok<Envelope<CreateTargetResponse>>, ApiError>> CreateAnalyticsTarget(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Targets)] HttpRequest http, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var (body, bodyError) = await json.ReadObjectAsync(http, StatusCodes.Status400BadRequest, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var (request, error) = TargetRequests.ParseCreate(body);
        if (error is not null)
        {
            return error;
        }

        var (target, created) = await store.CreateTargetAsync(caller.Scope, request!.Platform, request.Identifier, request.Alias, caller.Key.OwnerUserId, cancellationToken);
        var data = new CreateTargetResponse(target.ToResponse(caller.Scope, AnalyticsKeys.Day(time.GetUtcNow())), created);
        return created
            ? TypedResults.Created($"/{ApiRoutes.Base}/analytics/targets/{target.Id}", ApiJson.Envelope("Analytics target created", data, StatusCodes.Status201Created))
            : TypedResults.Ok(ApiJson.Envelope("Analytics target already exists", data));
    }

    [Function(nameof(GetAnalyticsTarget))]
    [EndpointSummary("A target with its summary: totals, daily timeline, top posts and refresh state (query: range or start+end)")]
    [ProducesErrors(400, 404)]
    public async Task<Results<Ok<Envelope<TargetResponse>>, ApiError>> GetAnalyticsTarget(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Target)] HttpRequest http, string id, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var now = time.GetUtcNow();
        var (query, queryError) = AnalyticsQuery.Parse(http.Query, DateOnly.FromDateTime(now.UtcDateTime));
        if (queryError is not null)
        {
            return queryError;
        }

        var today = AnalyticsKeys.Day(now);
        var summary = await summaries.SummarizeTargetAsync(caller.Scope, id, query!.Filter.Window, today, cancellationToken);
        return summary is null
            ? TargetNotFound()
            : TypedResults.Ok(ApiJson.Envelope("Analytics target retrieved", summary.Target.ToResponse(caller.Scope, today, summary.ToResponse())));
    }

    [Function(nameof(UpdateAnalyticsTarget))]
    [EndpointSummary("Change displayName, refreshPolicy {freeDailyRefresh, maxPosts} or favorite")]
    [OpenApiExample(OpenApiExampleAttribute.Request, """{"displayName": "Brand", "refreshPolicy": {"freeDailyRefresh": false, "maxPosts": 50}, "favorite": true}""")]
    [ProducesErrors(400, 404, 409, 413, 415)]
    public async Task<Results<Ok<Envelope<TargetResponse>>, ApiError>> UpdateAnalyticsTarget(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Target)] HttpRequest http, string id, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var (body, bodyError) = await json.ReadObjectAsync(http, StatusCodes.Status400BadRequest, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var (request, error) = TargetRequests.ParseUpdate(body);
        if (error is not null)
        {
            return error;
        }

        var updated = await store.PatchTargetAsync(caller.Scope, id, request!, cancellationToken);
        return updated is null
            ? TargetNotFound()
            : TypedResults.Ok(ApiJson.Envelope("Analytics target updated", updated.ToResponse(caller.Scope, AnalyticsKeys.Day(time.GetUtcNow()))));
    }

    [Function(nameof(DeleteAnalyticsTarget))]
    [EndpointSummary("Stop tracking a handle; its snapshots, post stats and refreshes are deleted with it")]
    [OpenApiExample(200, $$$"""{"ok": true, "code": 200, "message": "Analytics target deleted", "data": {"id": "{{{Example}}}", "deleted": true}}""")]
    [ProducesErrors(400, 404, 409)]
    public async Task<Results<Ok<Envelope<DeleteTargetResponse>>, ApiError>> DeleteAnalyticsTarget(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Target)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await refreshes.DeleteTargetAsync(request.Caller().Scope, id, cancellationToken)
            ? TypedResults.Ok(ApiJson.Envelope("Analytics target deleted", new DeleteTargetResponse(id, true)))
            : TargetNotFound();

    /// <summary>PATCH or DELETE on the collection: the caller forgot the target id.</summary>
    [Function(nameof(MissingAnalyticsTargetId))]
    [ExcludeFromDescription]
    public static ApiError MissingAnalyticsTargetId(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", "delete", Route = Targets)] HttpRequest request) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.MissingTargetId, "A target id is required in the path");

    [Function(nameof(RefreshAnalyticsTarget))]
    [EndpointSummary("Queue a refresh: free once per target per UTC day (unless refreshPolicy.freeDailyRefresh is false), otherwise 1 credit")]
    [EndpointDescription("A failed refresh gives its credit back. 409 analytics_conflict while one is pending or processing; " +
        "429 rate_limited (with Retry-After) after 5 calls for one target within 60 s.")]
    [OpenApiExample(200, $$$"""
        {"ok": true, "code": 200, "message": "Analytics refresh queued", "data": {"wasFree": false, "refresh": {"id": "0e9d…", "target_id": "{{{Example}}}",
         "workspace_id": "3b0c…", "status": "pending", "free_refresh_used": false, "credits_used": 1, "started_at": "2026-12-01T10:00:00.000Z",
         "completed_at": null, "error": null} } }
        """)]
    [ProducesErrors(402, 404, 409, 429)]
    public async Task<Results<Ok<Envelope<RefreshQueuedResponse>>, ApiError>> RefreshAnalyticsTarget(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Target + "/refresh")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var caller = request.Caller();
        var result = await refreshes.RequestAsync(caller.Scope, id, cancellationToken);
        switch (result.Outcome)
        {
            case RefreshRequestOutcome.Queued:
                return TypedResults.Ok(ApiJson.Envelope("Analytics refresh queued", new RefreshQueuedResponse(result.Refresh!.ToResponse(caller.Scope), result.Refresh!.FreeRefreshUsed)));
            case RefreshRequestOutcome.NotFound:
                return TargetNotFound();
            case RefreshRequestOutcome.Conflict:
                return new ApiError(StatusCodes.Status409Conflict, ErrorCodes.AnalyticsConflict, "A refresh for this target is already pending or processing");
            case RefreshRequestOutcome.InsufficientCredits:
                return new ApiError(StatusCodes.Status402PaymentRequired, ErrorCodes.InsufficientCredits,
                    "Today's free refresh is used and the credit pool is empty; a refresh costs 1 credit");
            default:
                var limited = new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                    $"At most {AnalyticsRefreshes.MaxCallsPerWindow} refresh calls per target per minute");
                limited.Headers["Retry-After"] = ((int)Math.Ceiling(result.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return limited;
        }
    }

    [Function(nameof(GetAnalyticsRefresh))]
    [EndpointSummary("Poll a refresh: pending, processing, completed or failed (with error)")]
    [ProducesErrors(404)]
    public async Task<Results<Ok<Envelope<RefreshResponse>>, ApiError>> GetAnalyticsRefresh(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Analytics + "/refreshes/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var caller = request.Caller();
        return await store.GetRefreshAsync(caller.Scope, id, cancellationToken) is { } refresh
            ? TypedResults.Ok(ApiJson.Envelope("Analytics refresh status retrieved", refresh.ToResponse(caller.Scope)))
            : new ApiError(StatusCodes.Status404NotFound, ErrorCodes.RefreshNotFound, "Refresh not found");
    }

    /// <summary>GET on the refresh collection: the caller forgot the refresh id.</summary>
    [Function(nameof(MissingAnalyticsRefreshId))]
    [ExcludeFromDescription]
    public static ApiError MissingAnalyticsRefreshId(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Analytics + "/refreshes")] HttpRequest request) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.MissingRefreshId, "A refresh id is required");

    [Function(nameof(GetAnalyticsSummary))]
    [EndpointSummary("KPIs with previous-period deltas, daily series, posting heatmap and streak, content mix")]
    [EndpointDescription("Query: range (14d|30d|90d|1y|all, default 30d) or start+end (YYYY-MM-DD, wins over range); platforms (alias platform); " +
        "accounts (alias account_ids, analytics target ids). Figures cover tracked posts published in the period; " +
        "engagementRate = (likes + comments + shares) / views × 100; delta = value − previous.")]
    [ProducesErrors(400)]
    public async Task<Results<Ok<Envelope<AnalyticsSummaryResponse>>, ApiError>> GetAnalyticsSummary(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Analytics + "/summary")] HttpRequest http, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var (query, error) = AnalyticsQuery.Parse(http.Query, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        if (error is not null)
        {
            return error;
        }

        var summary = await summaries.SummarizeAsync(caller.Scope, query!.Filter, cancellationToken);
        return TypedResults.Ok(ApiJson.Envelope("Analytics summary retrieved", summary.ToResponse()));
    }

    [Function(nameof(ListAnalyticsPosts))]
    [EndpointSummary("Tracked posts of the period, sorted and paged; rows of posts we published carry genviralPostId and externalId")]
    [EndpointDescription("The summary filters plus sortBy (sort_by: published_at|views|likes|comments|shares), sortOrder (sort_order: asc|desc), " +
        "limit (1–100, default 50), offset (0–10000).")]
    [ProducesErrors(400)]
    public async Task<Results<Ok<Envelope<AnalyticsPostsResponse>>, ApiError>> ListAnalyticsPosts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Analytics + "/summary/posts")] HttpRequest http, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var (query, error) = AnalyticsQuery.Parse(http.Query, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        if (error is not null)
        {
            return error;
        }

        var page = await summaries.ListPostsAsync(caller.Scope, query!.Filter, query.Paging, cancellationToken);
        return TypedResults.Ok(ApiJson.Envelope("Analytics posts retrieved", page.ToResponse()));
    }

    private static ApiError TargetNotFound() => new(StatusCodes.Status404NotFound, ErrorCodes.TargetNotFound, "Analytics target not found");
}
