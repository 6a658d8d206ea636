using Genviral.Functions.Api;
using Genviral.Functions.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Subscriptions;

[Tags("Subscription")]
[RequireApiKey]
internal static class SubscriptionFunctions
{
    // The plan gate already read the subscription for this request; answering from it saves a round trip.
    [Function(nameof(GetSubscription))]
    [EndpointSummary("The key owner's plan, billing period and analytics credits")]
    [FaultCode(ErrorCodes.SubscriptionLookupFailed)]
    public static Ok<Envelope<SubscriptionData>> GetSubscription(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Base + "/subscription")] HttpRequest request)
    {
        var caller = request.Caller();
        return TypedResults.Ok(ApiJson.Envelope(
            "Subscription retrieved",
            new SubscriptionData(caller.Scope.Name, caller.Scope.WorkspaceId, caller.Subscription.ToResponse())));
    }
}
