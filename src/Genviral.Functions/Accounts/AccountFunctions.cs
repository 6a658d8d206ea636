using Genviral.Core.Accounts;
using Genviral.Functions.Api;
using Genviral.Functions.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Accounts;

[Tags("Accounts")]
[RequireApiKey]
internal sealed class AccountFunctions(AccountStore accounts)
{
    [Function(nameof(ListAccounts))]
    [EndpointSummary("List the active social accounts in the key's scope")]
    [FaultCode(ErrorCodes.AccountsFailed)]
    public async Task<Ok<Envelope<AccountsData>>> ListAccounts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Base + "/accounts")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = request.Caller();
        var active = (await accounts.ListAsync(caller.Scope, cancellationToken))
            .Where(a => a.Status == AccountStatus.Active)
            .Select(a => a.ToResponse())
            .ToList();
        var data = new AccountsData(caller.Scope.Name, caller.Key.OwnerUserId, caller.Scope.WorkspaceId, active);
        return TypedResults.Ok(ApiJson.Envelope("Accounts retrieved", data));
    }
}
