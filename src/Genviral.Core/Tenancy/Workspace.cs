namespace Genviral.Core.Tenancy;

public sealed record Workspace(string Id, string Name, string OwnerUserId, DateTimeOffset CreatedAt);

public sealed record User(string Id, string Email, string? Name, DateTimeOffset CreatedAt);
