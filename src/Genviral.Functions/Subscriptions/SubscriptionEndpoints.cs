using Genviral.Functions.Api;
using Genviral.Functions.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Genviral.Functions.Subscriptions;

internal static class SubscriptionEndpoints
{
    public static RouteGroupBuilder MapSubscription(this RouteGroupBuilder api)
    {
        api.MapGet("/subscription", GetSubscription)
            .WithName("GetSubscription")
            .WithTags("Subscription")
            .WithSummary("The key owner's plan, billing period and analytics credits")
            .WithFaultCode(ErrorCodes.SubscriptionLookupFailed);
        return api;
    }

    // The plan gate already read the subscription for this request; answering from it saves a round trip.
    private static Ok<Envelope<SubscriptionData>> GetSubscription(Caller caller) =>
        TypedResults.Ok(ApiJson.Envelope(
            "Subscription retrieved",
            new SubscriptionData(caller.Scope.Name, caller.Scope.WorkspaceId, caller.Subscription.ToResponse())));
}
