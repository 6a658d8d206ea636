using System.Net.Http.Headers;
using Genviral.Core.Accounts;
using Genviral.Core.Auth;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Functions.Hosting;
using Genviral.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Genviral.Functions.Tests.Infrastructure;

/// <summary>
/// The real app over real Azurite, with its own storage prefix. Standalone background work is off unless a
/// test class asks for it, so tests decide when queue work happens.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string Prefix { get; } = TestStorage.NewPrefix();

    /// <summary>Extra settings a derived factory adds (background work, queue rules, platform base URLs).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    internal StorageClients Storage => Services.GetRequiredService<StorageClients>();

    internal TenantStore Tenants => Services.GetRequiredService<TenantStore>();

    internal AccountStore Accounts => Services.GetRequiredService<AccountStore>();

    internal ApiKeyStore Keys => Services.GetRequiredService<ApiKeyStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(Prefix)));
        // Requests run in the calling test's execution context, so what the app logs for them reaches that test's output.
        builder.ConfigureServices(services => services.Configure<TestServerOptions>(o => o.PreserveExecutionContext = true));
        builder.UseSetting("Storage:ConnectionString", TestStorage.ConnectionString);
        builder.UseSetting("Storage:Prefix", Prefix);
        builder.UseSetting("Standalone:BackgroundWork", "false");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public virtual ValueTask InitializeAsync()
    {
        // Starts the app, which creates the prefixed tables, queues and containers.
        _ = Server;
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await TestStorage.DeleteAsync(Prefix);
        GC.SuppressFinalize(this);
    }

    /// <summary>A new owner with <paramref name="plan"/> (none when null) and a key for it.</summary>
    internal async Task<Tenant> CreateTenantAsync(ScopeKind kind = ScopeKind.Workspace, Plan? plan = Plan.Business)
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await Tenants.CreateUserAsync($"{Guid.NewGuid():N}@example.com", "Test User", ct);
        var scope = kind == ScopeKind.Workspace
            ? Scope.Workspace((await Tenants.CreateWorkspaceAsync("Test workspace", user.Id, ct)).Id)
            : Scope.Personal(user.Id);
        if (plan is { } p)
        {
            await Tenants.SetPlanAsync(scope, p, "month", ct);
        }

        var issued = await Keys.IssueAsync(scope, user.Id, "test key", ct);
        return new Tenant(scope, user.Id, issued.Key.PublicId, issued.Token);
    }

    internal async Task<SocialAccount> AddAccountAsync(Tenant tenant, Platform platform = Platform.Tiktok, AccountType type = AccountType.Hosted)
    {
        var credentials = type == AccountType.Byo ? new PlatformCredentials("access", "refresh", null, "platform-user") : null;
        return await Accounts.AddAsync(tenant.Scope, platform, type, "user_" + Guid.NewGuid().ToString("N")[..8], "Display", credentials, TestContext.Current.CancellationToken);
    }

    /// <summary>Runs a queue function as standalone mode's listener would (its own scope, the message and its metadata).</summary>
    internal Task RunQueueFunctionAsync(string name, string message, long dequeueCount = 1, string id = "test-message") =>
        StandaloneHost.QueueWork(Services, FunctionCatalog.App.Queue.Single(f => f.Name == name))
            .RunAsync(new FunctionInvoker.Trigger(message, dequeueCount, id, TimeProvider.System.GetUtcNow()), TestContext.Current.CancellationToken);

    /// <summary>A timer function as standalone mode's leased timer runs it, with the schedule its setting resolves to.</summary>
    internal StandaloneTimerWork TimerWork(string name) => StandaloneHost.TimerWork(Services, FunctionCatalog.App.Timer.Single(f => f.Name == name));

    /// <summary>A client that sends <paramref name="token"/> as its bearer token.</summary>
    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

internal sealed record Tenant(Scope Scope, string UserId, string PublicId, string Token);
