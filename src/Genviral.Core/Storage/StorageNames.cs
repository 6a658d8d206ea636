namespace Genviral.Core.Storage;

/// <summary>
/// Every table, queue and container the app uses, unprefixed. Bicep, function.json and
/// local.settings.sample.json are checked against this list by the contract tests.
/// </summary>
public static class StorageNames
{
    public const string ApiKeysTable = "apikeys";
    public const string TenantsTable = "tenants";
    public const string AccountsTable = "accounts";
    public const string AccountCredentialsTable = "accountcredentials";

    public const string KeyUsageQueue = "key-usage";

    /// <summary>Blob leases that make a standalone timer run on one instance only.</summary>
    public const string LocksContainer = "locks";

    public static IReadOnlyList<string> Tables { get; } = [ApiKeysTable, TenantsTable, AccountsTable, AccountCredentialsTable];

    public static IReadOnlyList<string> Queues { get; } = [KeyUsageQueue];

    public static IReadOnlyList<string> Containers { get; } = [LocksContainer];

    /// <summary>The queue the Functions host (and the standalone consumer) moves a message to after its last failed attempt.</summary>
    public static string PoisonQueue(string queue) => queue + "-poison";
}
