using System.Globalization;
using Genviral.Core.Analytics;
using Genviral.Functions.Api;
using Genviral.Functions.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Genviral.Functions.Analytics;

internal static class AnalyticsEndpoints
{
    private const string Example = "7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f";

    public static RouteGroupBuilder MapAnalytics(this RouteGroupBuilder api)
    {
        var analytics = api.MapGroup("/analytics").WithTags("Analytics").WithFaultCode(ErrorCodes.AnalyticsFailed);
        analytics.MapGet("/targets", ListTargetsAsync)
            .WithName("ListAnalyticsTargets")
            .WithSummary("Every tracked handle of the scope, with its last refresh, latest snapshot and free_refresh_available")
            .WithExample(200, $$$"""
                {"ok": true, "code": 200, "message": "Analytics targets retrieved",
                 "data": {"workspace_id": "3b0c…", "targets": [{"id": "{{{Example}}}", "target_id": "{{{Example}}}", "user_id": "1d2e…", "workspace_id": "3b0c…",
                   "platform": "tiktok", "identifier": "@brand", "normalized_identifier": "brand", "display_name": "Brand", "favorite": false,
                   "refresh_policy": null, "last_refreshed_at": "2026-12-01T06:00:02.120Z",
                   "last_refresh": {"id": "0e9d…", "status": "completed", "completed_at": "2026-12-01T06:00:02.120Z"},
                   "latest_snapshot": {"followers": 12040, "views": 880100, "likes": 51200, "captured_at": "2026-12-01T06:00:02.120Z"},
                   "free_refresh_available": true, "created_at": "2026-11-20T09:00:00.000Z", "metadata": {"favorite": false}}]}}
                """);
        analytics.MapPost("/targets", CreateTargetAsync)
            .WithName("CreateAnalyticsTarget")
            .WithSummary("Track a handle; idempotent by platform and normalized identifier (trimmed, no leading @, lower case)")
            .WithExample(null, """{"platform": "tiktok", "identifier": "@Brand", "alias": "Brand (main)"}""")
            .WithExample(201, $$$"""
                {"ok": true, "code": 201, "message": "Analytics target created", "data": {"created": true, "target": {"id": "{{{Example}}}", "target_id": "{{{Example}}}",
                 "platform": "tiktok", "identifier": "@Brand", "normalized_identifier": "brand", "display_name": "Brand (main)", "last_refreshed_at": null,
                 "free_refresh_available": true} } }
                """)
            .ProducesErrors(400, 413, 415);
        analytics.MapGet("/targets/{id}", GetTargetAsync)
            .WithName("GetAnalyticsTarget")
            .WithSummary("A target with its summary: totals, daily timeline, top posts and refresh state (query: range or start+end)")
            .ProducesErrors(400, 404);
        analytics.MapPatch("/targets/{id}", UpdateTargetAsync)
            .WithName("UpdateAnalyticsTarget")
            .WithSummary("Change displayName, refreshPolicy {freeDailyRefresh, maxPosts} or favorite")
            .WithExample(null, """{"displayName": "Brand", "refreshPolicy": {"freeDailyRefresh": false, "maxPosts": 50}, "favorite": true}""")
            .ProducesErrors(400, 404, 413, 415);
        analytics.MapDelete("/targets/{id}", DeleteTargetAsync)
            .WithName("DeleteAnalyticsTarget")
            .WithSummary("Stop tracking a handle; its snapshots, post stats and refreshes are deleted with it")
            .WithExample(200, $$$"""{"ok": true, "code": 200, "message": "Analytics target deleted", "data": {"id": "{{{Example}}}", "deleted": true}}""")
            .ProducesErrors(400, 404);
        analytics.MapMethods("/targets", [HttpMethods.Patch, HttpMethods.Delete], MissingTargetId).ExcludeFromDescription();
        analytics.MapPost("/targets/{id}/refresh", RefreshTargetAsync)
            .WithName("RefreshAnalyticsTarget")
            .WithSummary("Queue a refresh: free once per target per UTC day (unless refreshPolicy.freeDailyRefresh is false), otherwise 1 credit")
            .WithDescription("A failed refresh gives its credit back. 409 analytics_conflict while one is pending or processing; " +
                "429 rate_limited (with Retry-After) after 5 calls for one target within 60 s.")
            .WithExample(200, $$$"""
                {"ok": true, "code": 200, "message": "Analytics refresh queued", "data": {"wasFree": false, "refresh": {"id": "0e9d…", "target_id": "{{{Example}}}",
                 "workspace_id": "3b0c…", "status": "pending", "free_refresh_used": false, "credits_used": 1, "started_at": "2026-12-01T10:00:00.000Z",
                 "completed_at": null, "error": null} } }
                """)
            .ProducesErrors(402, 404, 409, 429);
        analytics.MapGet("/refreshes/{id}", GetRefreshAsync)
            .WithName("GetAnalyticsRefresh")
            .WithSummary("Poll a refresh: pending, processing, completed or failed (with error)")
            .ProducesErrors(404);
        analytics.MapGet("/refreshes", () => new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.MissingRefreshId, "A refresh id is required")).ExcludeFromDescription();
        analytics.MapGet("/summary", SummaryAsync)
            .WithName("GetAnalyticsSummary")
            .WithSummary("KPIs with previous-period deltas, daily series, posting heatmap and streak, content mix")
            .WithDescription("Query: range (14d|30d|90d|1y|all, default 30d) or start+end (YYYY-MM-DD, wins over range); platforms (alias platform); " +
                "accounts (alias account_ids, analytics target ids). Figures cover tracked posts published in the period; " +
                "engagementRate = (likes + comments + shares) / views × 100; delta = value − previous.")
            .ProducesErrors(400);
        analytics.MapGet("/summary/posts", SummaryPostsAsync)
            .WithName("ListAnalyticsPosts")
            .WithSummary("Tracked posts of the period, sorted and paged; rows of posts we published carry genviralPostId and externalId")
            .WithDescription("The summary filters plus sortBy (sort_by: published_at|views|likes|comments|shares), sortOrder (sort_order: asc|desc), " +
                "limit (1–100, default 50), offset (0–10000).")
            .ProducesErrors(400);
        return api;
    }

    private static async Task<Ok<Envelope<TargetListResponse>>> ListTargetsAsync(Caller caller, AnalyticsStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var today = AnalyticsKeys.Day(time.GetUtcNow());
        var targets = await store.ListTargetsAsync(caller.Scope, cancellationToken);
        return TypedResults.Ok(ApiJson.Envelope("Analytics targets retrieved",
            new TargetListResponse(caller.Scope.WorkspaceId, [.. targets.Select(t => t.ToResponse(caller.Scope, today))])));
    }

    private static async Task<Results<Created<Envelope<CreateTargetResponse>>, Ok<Envelope<CreateTargetResponse>>, ApiError>> CreateTargetAsync(
        HttpRequest http, Caller caller, JsonBody json, AnalyticsStore store, TimeProvider time, CancellationToken cancellationToken)
    {
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
            ? TypedResults.Created($"{ApiRoutes.Base}/analytics/targets/{target.Id}", ApiJson.Envelope("Analytics target created", data, StatusCodes.Status201Created))
            : TypedResults.Ok(ApiJson.Envelope("Analytics target already exists", data));
    }

    private static async Task<Results<Ok<Envelope<TargetResponse>>, ApiError>> GetTargetAsync(
        string id, HttpRequest http, Caller caller, AnalyticsStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (query, queryError) = AnalyticsQuery.Parse(http.Query, DateOnly.FromDateTime(now.UtcDateTime));
        if (queryError is not null)
        {
            return queryError;
        }

        var target = await store.GetTargetAsync(caller.Scope, id, cancellationToken);
        if (target is null)
        {
            return TargetNotFound();
        }

        var window = query!.Window;
        var firstDay = window.Start ?? DateOnly.FromDateTime(target.CreatedAt.UtcDateTime);
        var snapshotsTask = store.GetSnapshotsAsync(caller.Scope, id, AnalyticsKeys.Day(firstDay), AnalyticsKeys.Day(window.End), cancellationToken);
        var postsTask = store.GetPostsAsync(caller.Scope, id, window.Start is { } s ? AnalyticsWindow.At(s) : DateTimeOffset.UnixEpoch,
            AnalyticsWindow.At(window.End.AddDays(1)), cancellationToken);
        var today = AnalyticsKeys.Day(now);
        var summary = AnalyticsSummaries.ForTarget(target, await snapshotsTask, await postsTask, today);
        return TypedResults.Ok(ApiJson.Envelope("Analytics target retrieved", target.ToResponse(caller.Scope, today, summary)));
    }

    private static async Task<Results<Ok<Envelope<TargetResponse>>, ApiError>> UpdateTargetAsync(
        string id, HttpRequest http, Caller caller, JsonBody json, AnalyticsStore store, TimeProvider time, CancellationToken cancellationToken)
    {
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

    private static async Task<Results<Ok<Envelope<DeleteTargetResponse>>, ApiError>> DeleteTargetAsync(
        string id, Caller caller, AnalyticsRefreshes refreshes, CancellationToken cancellationToken) =>
        await refreshes.DeleteTargetAsync(caller.Scope, id, cancellationToken)
            ? TypedResults.Ok(ApiJson.Envelope("Analytics target deleted", new DeleteTargetResponse(id, true)))
            : TargetNotFound();

    private static ApiError MissingTargetId() => new(StatusCodes.Status400BadRequest, ErrorCodes.MissingTargetId, "A target id is required in the path");

    private static async Task<Results<Ok<Envelope<RefreshQueuedResponse>>, ApiError>> RefreshTargetAsync(
        string id, Caller caller, AnalyticsRefreshes refreshes, CancellationToken cancellationToken)
    {
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

    private static async Task<Results<Ok<Envelope<RefreshResponse>>, ApiError>> GetRefreshAsync(
        string id, Caller caller, AnalyticsStore store, CancellationToken cancellationToken) =>
        await store.GetRefreshAsync(caller.Scope, id, cancellationToken) is { } refresh
            ? TypedResults.Ok(ApiJson.Envelope("Analytics refresh status retrieved", refresh.ToResponse(caller.Scope)))
            : new ApiError(StatusCodes.Status404NotFound, ErrorCodes.RefreshNotFound, "Refresh not found");

    private static async Task<Results<Ok<Envelope<AnalyticsSummaryResponse>>, ApiError>> SummaryAsync(
        HttpRequest http, Caller caller, AnalyticsSummaries summaries, TimeProvider time, CancellationToken cancellationToken)
    {
        var (query, error) = AnalyticsQuery.Parse(http.Query, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        if (error is not null)
        {
            return error;
        }

        var (_, posts) = await summaries.LoadAsync(caller.Scope, query!, withPrevious: true, cancellationToken);
        return TypedResults.Ok(ApiJson.Envelope("Analytics summary retrieved", AnalyticsSummaries.Summarize(query!.Window, posts)));
    }

    private static async Task<Results<Ok<Envelope<AnalyticsPostsResponse>>, ApiError>> SummaryPostsAsync(
        HttpRequest http, Caller caller, AnalyticsSummaries summaries, TimeProvider time, CancellationToken cancellationToken)
    {
        var (query, error) = AnalyticsQuery.Parse(http.Query, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        if (error is not null)
        {
            return error;
        }

        var (targets, posts) = await summaries.LoadAsync(caller.Scope, query!, withPrevious: false, cancellationToken);
        return TypedResults.Ok(ApiJson.Envelope("Analytics posts retrieved", await summaries.PageAsync(caller.Scope, query!, targets, posts, cancellationToken)));
    }

    private static ApiError TargetNotFound() => new(StatusCodes.Status404NotFound, ErrorCodes.TargetNotFound, "Analytics target not found");
}
