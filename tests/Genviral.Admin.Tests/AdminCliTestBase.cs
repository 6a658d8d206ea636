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

/// <summary>Runs the CLI in-process against Azurite under a storage prefix of its own, deleted after each test.</summary>
public abstract class AdminCliTestBase : IAsyncLifetime
{
    private readonly string _prefix = TestStorage.NewPrefix();

    protected AdminCliTestBase()
    {
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

    public async ValueTask InitializeAsync() => await Storage.CreateResourcesAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await TestStorage.DeleteAsync(_prefix);
        GC.SuppressFinalize(this);
    }

    protected async Task<CliResult> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var config = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = TestStorage.ConnectionString,
            ["Storage:Prefix"] = _prefix,
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

    protected async Task<int> CountRowsAsync(string table)
    {
        var count = 0;
        await foreach (var _ in Storage.Table(table).QueryAsync<TableEntity>(cancellationToken: Ct))
        {
            count++;
        }

        return count;
    }
}
