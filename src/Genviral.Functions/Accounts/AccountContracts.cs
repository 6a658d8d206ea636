using Genviral.Core.Accounts;

namespace Genviral.Functions.Accounts;

internal sealed record AccountsData(string Scope, string OwnerUserId, string? WorkspaceId, IReadOnlyList<AccountResponse> Accounts);

internal sealed record AccountResponse(string Id, string Platform, string Type, string Username, string DisplayName, string Status, string? WorkspaceId);

internal static class AccountContractExtensions
{
    public static AccountResponse ToResponse(this SocialAccount a) =>
        new(a.Id, a.Platform.ToWire(), a.Type.ToWire(), a.Username, a.DisplayName, a.Status.ToWire(), a.WorkspaceId);
}
