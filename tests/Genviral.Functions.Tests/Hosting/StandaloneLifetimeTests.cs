using Genviral.Functions.Hosting;
using Genviral.Testing;

namespace Genviral.Functions.Tests.Hosting;

/// <summary>
/// The standalone host with its queue consumers and timers, stopped the way WebApplicationFactory and Program's
/// RunAsync stop it together: once, then again after the container is disposed.
/// </summary>
public sealed class StandaloneLifetimeTests
{
    [Fact]
    public async Task StopAsync_AgainAfterDispose_DoesNotThrow()
    {
        var prefix = TestStorage.NewPrefix();
        var app = await StandaloneHost.BuildAsync([
            "--urls", "http://127.0.0.1:0", "--Storage:ConnectionString", TestStorage.ConnectionString, "--Storage:Prefix", prefix,
            "--Standalone:BackgroundWork", "true",
        ]);
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();

            var again = await Record.ExceptionAsync(() => app.StopAsync(CancellationToken.None));

            Assert.Null(again);
        }
        finally
        {
            await TestStorage.DeleteAsync(prefix);
        }
    }
}
