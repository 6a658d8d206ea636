using Azure.Data.Tables;
using Genviral.Core.Auth;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Testing;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Tests.Storage;

/// <summary>Store behaviour against real Azurite.</summary>
public sealed class StoreTests : IAsyncLifetime
{
    private readonly string _prefix = TestStorage.NewPrefix();
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly AccessCache _cache = new(Options.Create(new AccessCacheOptions()), TimeProvider.System);
    private StorageClients _storage = null!;

    public async ValueTask InitializeAsync() => _storage = await TestStorage.CreateAsync(_prefix);

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(_prefix);

    [Fact]
    public async Task SubmitSinglePartitionAsync_ActionsOnTwoPartitions_IsRefusedAndWritesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var table = _storage.Table(StorageNames.TenantsTable);
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, new TableEntity("p1", "r")),
            new(TableTransactionActionType.Add, new TableEntity("p2", "r")),
        ];

        await Assert.ThrowsAsync<InvalidOperationException>(() => table.SubmitSinglePartitionAsync(actions, ct));

        Assert.Null(await table.GetEntityOrNullAsync<TableEntity>("p1", "r", ct));
    }

    [Fact]
    public async Task ApiKeys_IssueVerifyListRevoke_RoundTrip()
    {
        var ct = TestContext.Current.CancellationToken;
        var keys = new ApiKeyStore(_storage, _time, _cache);
        var scope = Scope.Workspace(Guid.NewGuid().ToString());
        var issued = await keys.IssueAsync(scope, "owner", "first", ct);
        Assert.True(ApiToken.TryParse(issued.Token, out var publicId, out var secret));

        var verified = await keys.VerifyAsync(publicId, secret, ct);
        var wrong = await keys.VerifyAsync(publicId, ApiToken.Generate().Secret, ct);
        var listed = await keys.ListAsync(scope, ct);
        var other = await keys.ListAsync(Scope.Personal("owner"), ct);
        var revoked = await keys.RevokeAsync(publicId, ct);
        var revokedAgain = await keys.RevokeAsync(publicId, ct);

        Assert.Equal(scope, verified?.Scope);
        Assert.Null(wrong);
        Assert.Equal(publicId, Assert.Single(listed).PublicId);
        Assert.Empty(other);
        Assert.NotNull(revoked?.RevokedAt);
        Assert.Equal(revoked.RevokedAt, revokedAgain?.RevokedAt);
        Assert.False((await keys.VerifyAsync(publicId, secret, ct))?.IsActive);
    }

    [Fact]
    public async Task RecordUsageAsync_ConcurrentUses_KeepsTheLatest()
    {
        var ct = TestContext.Current.CancellationToken;
        var keys = new ApiKeyStore(_storage, _time, _cache);
        var issued = await keys.IssueAsync(Scope.Personal(Guid.NewGuid().ToString()), "owner", "k", ct);
        var start = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        var uses = Enumerable.Range(0, 10).Select(i => start.AddMinutes(i)).Reverse().ToList();

        await Task.WhenAll(uses.Select(u => keys.RecordUsageAsync(issued.Key.PublicId, u, ct)));

        Assert.Equal(start.AddMinutes(9), (await keys.GetAsync(issued.Key.PublicId, ct))?.LastUsedAt);
    }

    [Fact]
    public async Task GrantCreditsAsync_ConcurrentGrants_LosesNone()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenants = new TenantStore(_storage, _time, _cache);
        var scope = Scope.Personal(Guid.NewGuid().ToString());
        await tenants.SetPlanAsync(scope, Plan.Creator, "month", ct);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => tenants.GrantCreditsAsync(scope, 5, ct)));

        Assert.Equal(40, (await tenants.GetSubscriptionAsync(scope, ct))?.CreditsLimit);
    }

    [Fact]
    public async Task GrantCreditsAsync_NoSubscription_ReturnsNullAndWritesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenants = new TenantStore(_storage, _time, _cache);
        var scope = Scope.Personal(Guid.NewGuid().ToString());

        Assert.Null(await tenants.GrantCreditsAsync(scope, 5, ct));
        Assert.Null(await tenants.GetSubscriptionAsync(scope, ct));
    }
}
