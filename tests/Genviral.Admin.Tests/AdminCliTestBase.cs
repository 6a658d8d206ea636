using System.Text.Json;
using Azure.Data.Tables;
using Genviral.Core.Accounts;
using Genviral.Core.Auth;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Testing;
using Microsoft.Extensions.Options;

namespace Genviral.Admin.Tests;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Parses the whole of stdout, so anything besides one JSON value fails the test.</summary>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Stdout);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        return document.RootElement.Clone();
    }

    public string Id() => Json().GetProperty("id").GetString()!;
}

/// <summary>One storage prefix per test class, its tables, queues and containers created once and deleted at the end.</summary>
public sealed class AdminStorage : IAsyncLifetime
{
    public string Prefix { get; } = TestStorage.NewPrefix();

    public async ValueTask InitializeAsync() => await TestStorage.Clients(Prefix).CreateResourcesAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(Prefix);
}

/// <summary>
/// Runs the CLI in-process against Azurite, under its test class's prefix (the CLI is told the resources exist). The
/// tests of a class run one at a time and each makes its own owners, so they share the storage without seeing each other.
/// </summary>
public abstract class AdminCliTestBase
{
    private readonly string _prefix;

    protected AdminCliTestBase(AdminStorage storage)
    {
        _prefix = storage.Prefix;
        Storage = TestStorage.Clients(_prefix);
        // The CLI is another process in real use: these stores read what it wrote, never through a cache.
        var noCache = new AccessCache(Options.Create(new AccessCacheOptions { CacheDuration = TimeSpan.Zero }), TimeProvider.System);
        Tenants = new TenantStore(Storage, TimeProvider.System, noCache);
        Accounts = new AccountStore(Storage, TimeProvider.System);
        Keys = new ApiKeyStore(Storage, TimeProvider.System, noCache);
    }

    protected StorageClients Storage { get; }

    protected TenantStore Tenants { get; }

    protected AccountStore Accounts { get; }

    protected ApiKeyStore Keys { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected async Task<CliResult> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var config = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = TestStorage.ConnectionString,
            ["Storage:Prefix"] = _prefix,
            ["Storage:CreateResources"] = "false",
        };

        var exitCode = await AdminCli.RunAsync(args, stdout, stderr, config, Ct);

        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    protected async Task<CliResult> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        return result;
    }

    protected async Task<string> CreateUserAsync() =>
        (await RunOkAsync("user", "create", "--email", $"u{Guid.NewGuid():N}@example.com", "--json")).Id();

    protected async Task<string> CreateWorkspaceAsync(string ownerUserId) =>
        (await RunOkAsync("workspace", "create", "--name", "Acme", "--owner", ownerUserId, "--json")).Id();

    /// <summary>How many rows each table holds: a command that fails must leave them as they were.</summary>
    protected async Task<int[]> RowCountsAsync(params string[] tables)
    {
        var counts = new int[tables.Length];
        for (var i = 0; i < tables.Length; i++)
        {
            await foreach (var _ in Storage.Table(tables[i]).QueryAsync<TableEntity>(select: ["PartitionKey"], cancellationToken: Ct))
            {
                counts[i]++;
            }
        }

        return counts;
    }
}
