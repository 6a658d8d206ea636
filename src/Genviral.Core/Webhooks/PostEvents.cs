using Genviral.Core.Posts;

namespace Genviral.Core.Webhooks;

/// <summary>Which events one write of a post raises, from the post as read and as written.</summary>
public static class PostEvents
{
    /// <summary>
    /// media.failed when the media became failed; post.account.published or post.account.failed for each account state
    /// that became posted or failed; post.published, post.partial or post.failed when the post's status became that.
    /// A write that leaves these as they were (a claim, an edit, a retry) raises nothing.
    /// </summary>
    public static IReadOnlyList<RaisedEvent> Between(Post before, Post after)
    {
        var raised = new List<RaisedEvent>();
        if (after.MediaState.Failed && !before.MediaState.Failed)
        {
            raised.Add(new RaisedEvent(WebhookEvents.MediaFailed));
        }

        var was = before.States.ToDictionary(s => s.AccountId, s => s.Status, StringComparer.OrdinalIgnoreCase);
        foreach (var state in after.States.Where(s => s.Status is PostStatus.Posted or PostStatus.Failed))
        {
            if (!was.TryGetValue(state.AccountId, out var status) || status != state.Status)
            {
                raised.Add(new RaisedEvent(state.Status == PostStatus.Posted ? WebhookEvents.PostAccountPublished : WebhookEvents.PostAccountFailed, state.AccountId));
            }
        }

        var type = after.Status switch
        {
            PostStatus.Posted => WebhookEvents.PostPublished,
            PostStatus.Partial => WebhookEvents.PostPartial,
            PostStatus.Failed => WebhookEvents.PostFailed,
            _ => null,
        };
        if (type is not null && after.Status != before.Status)
        {
            raised.Add(new RaisedEvent(type));
        }

        return raised;
    }
}
