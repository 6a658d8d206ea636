using Genviral.Core.Accounts;
using Genviral.Functions.Api;
using Genviral.Functions.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Genviral.Functions.Accounts;

internal static class AccountsEndpoints
{
    public static RouteGroupBuilder MapAccounts(this RouteGroupBuilder api)
    {
        api.MapGet("/accounts", GetAccountsAsync)
            .WithName("GetAccounts")
            .WithTags("Accounts")
            .WithSummary("List the active social accounts in the key's scope")
            .WithFaultCode(ErrorCodes.AccountsFailed);
        return api;
    }

    private static async Task<Ok<Envelope<AccountsData>>> GetAccountsAsync(Caller caller, AccountStore accounts, CancellationToken cancellationToken)
    {
        var active = (await accounts.ListAsync(caller.Scope, cancellationToken))
            .Where(a => a.Status == AccountStatus.Active)
            .Select(a => a.ToResponse())
            .ToList();
        var data = new AccountsData(caller.Scope.Name, caller.Key.OwnerUserId, caller.Scope.WorkspaceId, active);
        return TypedResults.Ok(ApiJson.Envelope("Accounts retrieved", data));
    }
}
