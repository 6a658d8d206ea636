using System.Text.Json;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Functions.Api;
using Genviral.Functions.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Posts;

[Tags("Posts")]
[RequireApiKey]
internal sealed class PostFunctions(JsonBody json, PostValidation validation, PostService service, PostStore posts, MediaSigner media, TimeProvider time)
{
    private const string PostsRoute = ApiRoutes.Base + "/posts";
    private const string PostRoute = PostsRoute + "/{id}";
    private const int MaxDeleteIds = 50;
    private const int MaxRetryIds = 20;
    private const int MaxRetryAccountIds = 10;
    private const int MaxIdempotencyKeyLength = 255;
    private static readonly TimeSpan IdempotencyKeyLifetime = TimeSpan.FromHours(24);

    [Function(nameof(CreatePost))]
    [EndpointSummary("Create a post for 1–10 accounts, published at once or at scheduled_at")]
    [EndpointDescription("Idempotent by external_id (for as long as the post exists) or by the Idempotency-Key header (24 hours): " +
        "a replay answers 200 with duplicate: true; the same key with a different body answers 409 create_failed.")]
    [AcceptsJson(typeof(CreatePostRequest))]
    [OpenApiExample(OpenApiExampleAttribute.Request, """
        {"caption": "New drop 🔥 #launch", "accounts": [{"id": "0b6f2c1e-4a7d-4c1b-9a51-2f0e8d9c7b11"}],
         "media": {"type": "video", "url": "https://cdn.example.com/launch.mp4"},
         "scheduled_at": "2026-12-01T15:00:00Z", "external_id": "campaign-42-tiktok"}
        """)]
    [OpenApiExample(201, """
        {"ok": true, "code": 201, "message": "Post scheduled",
         "data": {"id": "5d2c9a7e-1f3b-4e8a-b6c4-7a9e0d1f2b3c", "status": "scheduled", "scheduled_at": "2026-12-01T15:00:00.000Z"}}
        """)]
    [OpenApiExample(200, """
        {"ok": true, "code": 200, "message": "Post already exists",
         "data": {"id": "5d2c9a7e-1f3b-4e8a-b6c4-7a9e0d1f2b3c", "status": "scheduled", "scheduled_at": "2026-12-01T15:00:00.000Z", "duplicate": true}}
        """)]
    [OpenApiExample(400, """
        {"ok": false, "code": 400, "message": "Caption is 2301 characters; account 0b6f2c1e-4a7d-4c1b-9a51-2f0e8d9c7b11 (tiktok byo) allows 2200",
         "error_code": "validation_failed", "issues": [{"field": "caption", "message": "Caption is 2301 characters; account 0b6f2c1e-4a7d-4c1b-9a51-2f0e8d9c7b11 (tiktok byo) allows 2200"}]}
        """)]
    [ProducesErrors(400, 409, 413, 415, 422)]
    [FaultCode(ErrorCodes.CreateFailed)]
    public async Task<Results<Created<Envelope<PostWriteResponse>>, Ok<Envelope<PostWriteResponse>>, ApiError>> CreatePost(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = PostsRoute)] HttpRequest http, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var (body, bodyError) = await json.ReadObjectAsync(http, StatusCodes.Status422UnprocessableEntity, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var request = PostRequest.Parse(body);
        var (content, rejection) = await validation.CheckAsync(caller.Scope, request, null, cancellationToken);
        if (rejection is not null)
        {
            return rejection.ToApiError();
        }

        var externalId = request.ExternalId.Value;
        IdempotencyClaim? claim = null;
        if (externalId is not null)
        {
            claim = new IdempotencyClaim(true, externalId, request.Fingerprint(), null);
        }
        else if (http.Headers["Idempotency-Key"] is { Count: > 0 } header)
        {
            if (header.Count > 1 || header[0] is not { Length: > 0 and <= MaxIdempotencyKeyLength } key)
            {
                return new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, "Idempotency-Key must be one value of 1 to 255 characters",
                    [new("Idempotency-Key", "Invalid header")]);
            }

            claim = new IdempotencyClaim(false, key, request.Fingerprint(), time.GetUtcNow() + IdempotencyKeyLifetime);
        }

        var result = await service.CreateAsync(caller.Scope, content!, externalId, claim, cancellationToken);
        return result.Outcome switch
        {
            CreateOutcome.Created => TypedResults.Created(
                $"/{ApiRoutes.Base}/posts/{result.Post!.Post.Id}",
                ApiJson.Envelope(result.Post.Post.Status == PostStatus.Scheduled ? "Post scheduled" : "Post created", result.Post.Post.ToWriteResponse(), StatusCodes.Status201Created)),
            CreateOutcome.Duplicate => TypedResults.Ok(ApiJson.Envelope("Post already exists", result.Post!.Post.ToWriteResponse(duplicate: true))),
            _ => new ApiError(StatusCodes.Status409Conflict, ErrorCodes.CreateFailed, "This idempotency key was already used for a different post"),
        };
    }

    [Function(nameof(ListPosts))]
    [EndpointSummary("List posts newest first, with status counts for the whole scope")]
    [EndpointDescription("Page with offset (pass a fixed until for a stable walk while posts are being added) or with next_cursor.")]
    [ProducesErrors(400)]
    [OpenApiExample(200, """
        {"ok": true, "code": 200, "message": "Posts retrieved",
         "data": {"summary": {"total": 3, "pending": 2, "published": 1, "by_status": {"draft": 0, "pending": 1, "scheduled": 1, "retry": 0, "posted": 1, "failed": 0, "partial": 0}},
                  "posts": [{"id": "5d2c9a7e-1f3b-4e8a-b6c4-7a9e0d1f2b3c", "caption": "New drop", "status": "scheduled", "scheduled_at": "2026-12-01T15:00:00.000Z",
                             "created_at": "2026-11-23T12:05:11.205Z", "updated_at": "2026-11-23T12:05:11.205Z", "external_id": "campaign-42-tiktok",
                             "media": {"type": "video", "url": "https://cdn.example.com/launch.mp4"}, "music_url": null,
                             "accounts": {"total": 1, "states": [{"account_id": "0b6f2c1e-4a7d-4c1b-9a51-2f0e8d9c7b11", "status": "scheduled", "published_at": null,
                                          "published_url": null, "error_message": null, "last_attempted_at": null, "attempts": 0}]}}],
                  "next_cursor": "djE6Y3JlYXRlZHwy"}}
        """)]
    [FaultCode(ErrorCodes.ListFailed)]
    public async Task<Results<Ok<Envelope<PostListResponse>>, ApiError>> ListPosts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PostsRoute)] HttpRequest http, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var (query, error) = PostListQuery.Parse(http.Query);
        if (error is not null)
        {
            return error;
        }

        var pageTask = posts.ListAsync(caller.Scope, query!.Status, query.Since, query.Until, query.AfterRowKey, query.Offset, query.Limit, cancellationToken);
        var summaryTask = posts.GetSummaryAsync(caller.Scope, cancellationToken);
        var page = await pageTask;
        var summary = await summaryTask;
        var responses = new List<PostResponse>(page.Posts.Count);
        foreach (var post in page.Posts)
        {
            responses.Add(post.ToResponse(await media.UrlsAsync(post, cancellationToken)));
        }

        var data = new PostListResponse(summary.ToResponse(), responses, QueryParameters.EncodeCursor(page.LastRowKey));
        return TypedResults.Ok(ApiJson.Envelope("Posts retrieved", data));
    }

    [Function(nameof(GetPost))]
    [EndpointSummary("One post with its per-account states; the ETag header guards a later PATCH")]
    [ProducesErrors(404)]
    [FaultCode(ErrorCodes.GetFailed)]
    public async Task<Results<Ok<Envelope<PostResponse>>, ApiError>> GetPost(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PostRoute)] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var caller = request.Caller();
        var http = request.HttpContext.Response;
        var stored = await posts.GetAsync(caller.Scope, id, cancellationToken);
        if (stored is null)
        {
            return ApiError.NotFound("Post not found");
        }

        http.Headers.ETag = stored.ETag.ToString();
        return TypedResults.Ok(ApiJson.Envelope("Post retrieved", stored.Post.ToResponse(await media.UrlsAsync(stored.Post, cancellationToken))));
    }

    [Function(nameof(UpdatePost))]
    [EndpointSummary("Change caption, media, accounts, scheduled_at or music_url of an editable post")]
    [EndpointDescription("With If-Match, a stale ETag answers 412 precondition_failed. Without it, a concurrent change is kept and this patch " +
        "applied on top; a post that keeps changing answers 409 update_failed, to be tried again.")]
    [AcceptsJson(typeof(UpdatePostRequest))]
    [OpenApiExample(OpenApiExampleAttribute.Request, """{"caption": "Updated caption", "scheduled_at": null}""")]
    [ProducesErrors(400, 404, 409, 412, 413, 415, 422)]
    [FaultCode(ErrorCodes.UpdateFailed)]
    public async Task<Results<Ok<Envelope<PostWriteResponse>>, ApiError>> UpdatePost(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = PostRoute)] HttpRequest http, string id, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var (body, bodyError) = await json.ReadObjectAsync(http, StatusCodes.Status422UnprocessableEntity, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var request = PostRequest.Parse(body);
        if (request.ExternalId.Present || body.TryGetProperty("externalId", out _))
        {
            return new ApiError(StatusCodes.Status409Conflict, ErrorCodes.ExternalIdImmutable, "external_id cannot be changed after creation");
        }

        if (!request.HasContentField && request.ShapeIssues.Count == 0)
        {
            return new ApiError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.InvalidPayload,
                "Give at least one of caption, media, accounts, scheduled_at, music_url");
        }

        var result = await service.UpdateAsync(caller.Scope, id, request, http.Headers.IfMatch.ToString(), cancellationToken);
        if (result.Outcome != UpdateOutcome.Updated)
        {
            return result.ToApiError();
        }

        http.HttpContext.Response.Headers.ETag = result.Post!.ETag.ToString();
        return TypedResults.Ok(ApiJson.Envelope("Post updated", result.Post.Post.ToWriteResponse()));
    }

    [Function(nameof(DeletePosts))]
    [EndpointSummary("Delete up to 50 posts; posted and partial posts are blocked")]
    [AcceptsJson(typeof(DeletePostsRequest))]
    [OpenApiExample(OpenApiExampleAttribute.Request, """{"postIds": ["5d2c9a7e-1f3b-4e8a-b6c4-7a9e0d1f2b3c", "9a8b7c6d-0000-4000-8000-000000000001"]}""")]
    [OpenApiExample(200, """
        {"ok": true, "code": 200, "message": "Posts deleted",
         "data": {"deletedIds": ["5d2c9a7e-1f3b-4e8a-b6c4-7a9e0d1f2b3c"], "blockedStatuses": [{"id": "9a8b7c6d-0000-4000-8000-000000000001", "status": "posted"}], "skipped": []}}
        """)]
    [ProducesErrors(400, 413, 415, 422)]
    [FaultCode(ErrorCodes.BulkDeleteFailed)]
    public async Task<Results<Ok<Envelope<DeletePostsResponse>>, ApiError>> DeletePosts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = PostsRoute + "/delete")] HttpRequest http, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var (body, bodyError) = await json.ReadObjectAsync(http, StatusCodes.Status422UnprocessableEntity, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var (ids, idsError) = ReadIds(body, ["postIds", "post_ids"], MaxDeleteIds, tooMany: new ApiError(
            StatusCodes.Status400BadRequest, ErrorCodes.TooManyPostIds, $"At most {MaxDeleteIds} post ids per request"));
        if (idsError is not null)
        {
            return idsError;
        }

        var result = await service.DeleteManyAsync(caller.Scope, ids!, cancellationToken);
        return TypedResults.Ok(ApiJson.Envelope("Posts deleted", result.ToResponse()));
    }

    [Function(nameof(RetryPosts))]
    [EndpointSummary("Put the failed accounts of up to 20 failed or partial posts back into publishing")]
    [AcceptsJson(typeof(RetryPostsRequest))]
    [OpenApiExample(OpenApiExampleAttribute.Request, """{"post_ids": ["5d2c9a7e-1f3b-4e8a-b6c4-7a9e0d1f2b3c"], "account_ids": ["0b6f2c1e-4a7d-4c1b-9a51-2f0e8d9c7b11"]}""")]
    [OpenApiExample(200, """{"ok": true, "code": 200, "message": "Posts queued for retry", "data": {"retried": 1, "ids": ["5d2c9a7e-1f3b-4e8a-b6c4-7a9e0d1f2b3c"], "failed": []}}""")]
    [ProducesErrors(400, 413, 415, 422)]
    [FaultCode(ErrorCodes.RetryFailed)]
    public async Task<Results<Ok<Envelope<RetryPostsResponse>>, ApiError>> RetryPosts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = PostsRoute + "/retry")] HttpRequest http, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        var (body, bodyError) = await json.ReadObjectAsync(http, StatusCodes.Status422UnprocessableEntity, cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var tooMany = new ApiError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.InvalidPayload, $"post_ids takes 1 to {MaxRetryIds} ids");
        var (ids, idsError) = ReadIds(body, ["post_ids", "postIds"], MaxRetryIds, tooMany);
        if (idsError is not null)
        {
            return idsError;
        }

        IReadOnlyList<string>? accountIds = null;
        if (body.TryGetProperty("account_ids", out _) || body.TryGetProperty("accountIds", out _))
        {
            var (accounts, accountsError) = ReadIds(body, ["account_ids", "accountIds"], MaxRetryAccountIds,
                new ApiError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.InvalidPayload, $"account_ids takes 1 to {MaxRetryAccountIds} ids"));
            if (accountsError is not null)
            {
                return accountsError;
            }

            accountIds = accounts;
        }

        var retried = new List<string>();
        var failed = new List<string>();
        var errors = new Dictionary<string, string>();
        foreach (var id in ids!)
        {
            var outcome = await service.RetryAsync(caller.Scope, id, accountIds, cancellationToken);
            if (outcome == RetryOutcome.Retried)
            {
                retried.Add(id);
                continue;
            }

            failed.Add(id);
            errors[id] = outcome switch
            {
                RetryOutcome.NotFound => "Post not found",
                RetryOutcome.NotRetryable => "Only failed or partial posts can be retried",
                RetryOutcome.Contended => PostErrors.Changing,
                _ => "No failed accounts to retry",
            };
        }

        return TypedResults.Ok(ApiJson.Envelope("Posts queued for retry", new RetryPostsResponse(retried.Count, retried, failed, errors.Count > 0 ? errors : null)));
    }

    /// <summary>An id list under one of <paramref name="names"/>: strings only, duplicates removed, 1 to <paramref name="max"/>.</summary>
    private static (IReadOnlyList<string>? Ids, ApiError? Error) ReadIds(JsonElement body, string[] names, int max, ApiError tooMany)
    {
        var name = names.FirstOrDefault(n => body.TryGetProperty(n, out _));
        if (name is null || body.GetProperty(name) is not { ValueKind: JsonValueKind.Array } array
            || array.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString())))
        {
            return (null, new ApiError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.InvalidPayload, $"{names[0]} must be an array of id strings",
                [new(name ?? names[0], "Expected an array of strings")]));
        }

        var ids = array.EnumerateArray().Select(e => e.GetString()!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (ids.Count == 0)
        {
            return (null, new ApiError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.InvalidPayload, $"{names[0]} must not be empty", [new(name, "Empty")]));
        }

        return ids.Count > max ? (null, tooMany) : (ids, null);
    }
}
