using Genviral.Core.Accounts;

namespace Genviral.Admin.Accounts;

/// <summary>The API's Account object plus status and creation time; credentials are never part of it.</summary>
internal sealed record AccountOutput(
    string Id, string Platform, string Type, string Username, string DisplayName, string Status, string? WorkspaceId, DateTimeOffset CreatedAt)
{
    public static AccountOutput From(SocialAccount a) =>
        new(a.Id, a.Platform.ToWire(), a.Type.ToWire(), a.Username, a.DisplayName, a.Status.ToWire(), a.WorkspaceId, a.CreatedAt);
}

internal sealed record AccountListOutput(string Scope, string? WorkspaceId, string OwnerUserId, IReadOnlyList<AccountOutput> Accounts);
