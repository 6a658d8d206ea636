using System.Text.Json;
using Genviral.Core.Analytics;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Tenancy;
using Genviral.Core.Webhooks;
using Genviral.Functions.Analytics;
using Genviral.Functions.Api;
using Genviral.Functions.Posts;

namespace Genviral.Functions.Webhooks;

/// <summary>
/// An event's body, <c>{type, timestamp, data}</c> (post.account.* events add <c>account_id</c>), with <c>data</c>
/// rendered from the event's snapshot by the same mapping and serializer settings as the API's own answer for that
/// object, so the two cannot differ. Rendered for each attempt: a re-hosted post's media URLs are signed afresh, so an
/// attempt made a day later still carries URLs that work.
/// </summary>
internal sealed class WebhookPayloads(MediaSigner media)
{
    public async Task<string> RenderAsync(Scope scope, WebhookEvent e, CancellationToken cancellationToken)
    {
        switch (e.Subject)
        {
            case WebhookSubject.Post:
                var post = PostEntity.ToPost(e.Data);
                var data = post.ToResponse(await media.UrlsAsync(post, cancellationToken));
                return JsonSerializer.Serialize(new WebhookEventBody<PostResponse>(e.Type, e.OccurredAt, data, e.AccountId), ApiJsonContext.Default.WebhookEventBodyPostResponse);
            case WebhookSubject.Refresh:
                return JsonSerializer.Serialize(new WebhookEventBody<RefreshResponse>(e.Type, e.OccurredAt, RefreshEntity.FromEventData(e.Data).ToResponse(scope)),
                    ApiJsonContext.Default.WebhookEventBodyRefreshResponse);
            case WebhookSubject.Webhook:
                return JsonSerializer.Serialize(new WebhookEventBody<WebhookResponse>(e.Type, e.OccurredAt, WebhookEntity.ToWebhook(e.Data).ToResponse()),
                    ApiJsonContext.Default.WebhookEventBodyWebhookResponse);
            default:
                throw new InvalidOperationException($"No rendering for {e.Subject} events (scope {scope}, event {e.Id}).");
        }
    }
}
