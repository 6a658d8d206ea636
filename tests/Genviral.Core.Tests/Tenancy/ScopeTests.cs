using Genviral.Core.Tenancy;

namespace Genviral.Core.Tests.Tenancy;

public sealed class ScopeTests
{
    [Theory]
    [InlineData("ws_abc", ScopeKind.Workspace, "abc")]
    [InlineData("user_u1", ScopeKind.Personal, "u1")]
    public void TryParsePartitionKey_EitherScopeKind_IsTheScopeWithThatKey(string partition, ScopeKind kind, string id)
    {
        Assert.True(Scope.TryParsePartitionKey(partition, out var scope));
        Assert.Equal(new Scope(kind, id), scope);
        Assert.Equal(partition, scope.PartitionKey);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ws_")]
    [InlineData("user_")]
    [InlineData("WS_abc")]
    [InlineData("tenant_x")]
    public void TryParsePartitionKey_OtherText_IsRefused(string? partition)
    {
        Assert.False(Scope.TryParsePartitionKey(partition, out var scope));
        Assert.Equal(default, scope);
    }
}
