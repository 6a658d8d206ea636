using System.Security.Cryptography;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;

namespace Genviral.Testing;

/// <summary>
/// The Azurite instance the tests use: the one scripts/test.sh started (GENVIRAL_TEST_STORAGE), else a local
/// Azurite on its standard ports. Each fixture takes its own name prefix, so runs and classes never share rows.
/// </summary>
internal static class TestStorage
{
    public static string ConnectionString { get; } =
        Environment.GetEnvironmentVariable("GENVIRAL_TEST_STORAGE") is { Length: > 0 } cs ? cs : "UseDevelopmentStorage=true";

    public static string NewPrefix() => "t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    public static StorageClients Clients(string prefix) =>
        new(Options.Create(new StorageOptions { ConnectionString = ConnectionString, Prefix = prefix }));

    /// <summary>Creates the app's resources under <paramref name="prefix"/>.</summary>
    public static async Task<StorageClients> CreateAsync(string prefix)
    {
        var clients = Clients(prefix);
        await clients.CreateResourcesAsync(CancellationToken.None);
        return clients;
    }

    /// <summary>Deletes every table, queue and container that carries <paramref name="prefix"/>.</summary>
    public static async Task DeleteAsync(string prefix)
    {
        var clients = Clients(prefix);
        await foreach (var t in clients.Tables.QueryAsync(t => t.Name.CompareTo(prefix) >= 0 && t.Name.CompareTo(prefix + "~") < 0))
        {
            await clients.Tables.DeleteTableAsync(t.Name);
        }

        await foreach (var q in clients.Queues.GetQueuesAsync(prefix: prefix))
        {
            await clients.Queues.DeleteQueueAsync(q.Name);
        }

        await foreach (var c in clients.Blobs.GetBlobContainersAsync(prefix: prefix))
        {
            await clients.Blobs.DeleteBlobContainerAsync(c.Name);
        }
    }
}
