using Azure.Data.Tables;
using Genviral.Core.Auth;
using Genviral.Core.Storage;

namespace Genviral.Core.Tenancy;

/// <summary>Workspaces, users and their subscriptions, one partition per owner scope.</summary>
public sealed class TenantStore(StorageClients storage, TimeProvider time, AccessCache cache)
{
    private readonly TableClient _table = storage.Table(StorageNames.TenantsTable);

    public async Task<User> CreateUserAsync(string email, string? name, CancellationToken cancellationToken)
    {
        var user = new User(Guid.NewGuid().ToString(), email, name, time.GetUtcNow());
        await _table.AddEntityAsync(UserEntity.From(user), cancellationToken);
        return user;
    }

    public async Task<User?> GetUserAsync(string userId, CancellationToken cancellationToken) =>
        (await _table.GetEntityOrNullAsync<UserEntity>(Scope.Personal(userId).PartitionKey, UserEntity.Row, cancellationToken))?.ToUser();

    public async Task<Workspace> CreateWorkspaceAsync(string name, string ownerUserId, CancellationToken cancellationToken)
    {
        var workspace = new Workspace(Guid.NewGuid().ToString(), name, ownerUserId, time.GetUtcNow());
        await _table.AddEntityAsync(WorkspaceEntity.From(workspace), cancellationToken);
        return workspace;
    }

    public async Task<Workspace?> GetWorkspaceAsync(string workspaceId, CancellationToken cancellationToken) =>
        (await _table.GetEntityOrNullAsync<WorkspaceEntity>(Scope.Workspace(workspaceId).PartitionKey, WorkspaceEntity.Row, cancellationToken))?.ToWorkspace();

    /// <summary>Whether the owner row of <paramref name="scope"/> exists (a workspace, or a user for a personal scope).</summary>
    public async Task<bool> ExistsAsync(Scope scope, CancellationToken cancellationToken) =>
        scope.Kind == ScopeKind.Workspace
            ? await GetWorkspaceAsync(scope.Id, cancellationToken) is not null
            : await GetUserAsync(scope.Id, cancellationToken) is not null;

    public async Task<Subscription?> GetSubscriptionAsync(Scope scope, CancellationToken cancellationToken) =>
        (await _table.GetEntityOrNullAsync<SubscriptionEntity>(scope.PartitionKey, SubscriptionEntity.Row, cancellationToken))?.ToSubscription();

    /// <summary>
    /// The subscription for authenticating a request: through <see cref="AccessCache"/>, so it may be up to
    /// ApiKeys:CacheDuration old when another process changed it. Anything that decides on credits reads it fresh.
    /// </summary>
    public Task<Subscription?> GetCachedSubscriptionAsync(Scope scope, CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(AccessCache.SubscriptionEntry(scope), () => GetSubscriptionAsync(scope, cancellationToken));

    /// <summary>
    /// Puts the owner on <paramref name="plan"/> with a new billing period starting now. Credits already
    /// granted for the period are kept: changing plan is not a way to reset usage.
    /// </summary>
    public Task<Subscription> SetPlanAsync(Scope scope, Plan plan, string billingInterval, CancellationToken cancellationToken) =>
        storage.Conflicts.RunAsync(async () =>
        {
            var now = time.GetUtcNow();
            var end = billingInterval == "year" ? now.AddYears(1) : now.AddMonths(1);
            var current = await _table.GetEntityOrNullAsync<SubscriptionEntity>(scope.PartitionKey, SubscriptionEntity.Row, cancellationToken);
            var subscription = new Subscription(plan, SubscriptionStatus.Active, billingInterval, now, end, null, false, null,
                current?.CreditsLimit ?? 0, current?.CreditsUsed ?? 0);
            var entity = SubscriptionEntity.From(scope, subscription);
            if (current is null)
            {
                await _table.AddEntityAsync(entity, cancellationToken);
            }
            else
            {
                await _table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken);
            }

            cache.Forget(AccessCache.SubscriptionEntry(scope));
            return subscription;
        });

    /// <summary>Adds <paramref name="amount"/> credits to the current period's pool, with an ETag so a concurrent charge is never lost.</summary>
    public Task<Subscription?> GrantCreditsAsync(Scope scope, int amount, CancellationToken cancellationToken) =>
        storage.Conflicts.RunAsync(async () =>
        {
            var current = await _table.GetEntityOrNullAsync<SubscriptionEntity>(scope.PartitionKey, SubscriptionEntity.Row, cancellationToken);
            if (current is null)
            {
                return null;
            }

            current.CreditsLimit += amount;
            await _table.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, cancellationToken);
            cache.Forget(AccessCache.SubscriptionEntry(scope));
            return current.ToSubscription();
        });
}
