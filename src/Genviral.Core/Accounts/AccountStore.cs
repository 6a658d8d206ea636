using Azure;
using Azure.Data.Tables;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Accounts;

/// <summary>Social accounts of one scope. A scope has few accounts, so listing reads its one partition.</summary>
public sealed class AccountStore(StorageClients storage, TimeProvider time)
{
    private readonly TableClient _accounts = storage.Table(StorageNames.AccountsTable);
    private readonly TableClient _credentials = storage.Table(StorageNames.AccountCredentialsTable);

    public async Task<SocialAccount> AddAsync(
        Scope scope, Platform platform, AccountType type, string username, string displayName, PlatformCredentials? credentials,
        CancellationToken cancellationToken)
    {
        var account = new SocialAccount(Guid.NewGuid().ToString(), platform, type, username, displayName, AccountStatus.Active, scope.WorkspaceId, time.GetUtcNow());
        if (credentials is not null)
        {
            // Credentials first: an account row never exists without the credentials it needs to publish.
            await _credentials.AddEntityAsync(
                new CredentialsEntity
                {
                    PartitionKey = scope.PartitionKey,
                    RowKey = account.Id,
                    AccessToken = credentials.AccessToken,
                    RefreshToken = credentials.RefreshToken,
                    ExpiresAt = credentials.ExpiresAt,
                    PlatformUserId = credentials.PlatformUserId,
                },
                cancellationToken);
        }

        await _accounts.AddEntityAsync(SocialAccountEntity.From(scope, account), cancellationToken);
        return account;
    }

    public async Task<SocialAccount?> GetAsync(Scope scope, string accountId, CancellationToken cancellationToken) =>
        (await _accounts.GetEntityOrNullAsync<SocialAccountEntity>(scope.PartitionKey, accountId, cancellationToken))?.ToAccount();

    public async Task<PlatformCredentials?> GetCredentialsAsync(Scope scope, string accountId, CancellationToken cancellationToken) =>
        (await _credentials.GetEntityOrNullAsync<CredentialsEntity>(scope.PartitionKey, accountId, cancellationToken))?.ToCredentials();

    /// <summary>Stores a BYO account's refreshed tokens (the publisher calls this after an OAuth refresh).</summary>
    public async Task UpdateCredentialsAsync(Scope scope, string accountId, PlatformCredentials credentials, CancellationToken cancellationToken) =>
        await _credentials.UpsertEntityAsync(
            new CredentialsEntity
            {
                PartitionKey = scope.PartitionKey,
                RowKey = accountId,
                AccessToken = credentials.AccessToken,
                RefreshToken = credentials.RefreshToken,
                ExpiresAt = credentials.ExpiresAt,
                PlatformUserId = credentials.PlatformUserId,
            },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>All accounts of the scope, oldest first (row keys are random, so order by creation here).</summary>
    public async Task<IReadOnlyList<SocialAccount>> ListAsync(Scope scope, CancellationToken cancellationToken)
    {
        var result = new List<SocialAccount>();
        await foreach (var entity in _accounts.QueryAsync<SocialAccountEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {scope.PartitionKey}"), cancellationToken: cancellationToken))
        {
            result.Add(entity.ToAccount());
        }

        return [.. result.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal)];
    }

    /// <summary>Sets the status; returns null when the account is not in the scope.</summary>
    public Task<SocialAccount?> SetStatusAsync(Scope scope, string accountId, AccountStatus status, CancellationToken cancellationToken) =>
        storage.Conflicts.RunAsync(async () =>
        {
            var entity = await _accounts.GetEntityOrNullAsync<SocialAccountEntity>(scope.PartitionKey, accountId, cancellationToken);
            if (entity is null)
            {
                return null;
            }

            entity.Status = status.ToWire();
            try
            {
                await _accounts.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }

            return entity.ToAccount();
        });
}
