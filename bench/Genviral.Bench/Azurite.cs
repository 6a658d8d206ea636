using System.Diagnostics;
using System.Net.Sockets;
using Genviral.Testing;

namespace Genviral.Bench;

/// <summary>The pinned Azurite that scripts/azurite.sh installs, on free ports, in memory, for this run only.</summary>
internal sealed class Azurite : IDisposable
{
    // Azurite's well-known development account key: public and the same on every machine, not a secret.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly ChildProcess _process;

    private Azurite(ChildProcess process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<Azurite> StartAsync(CancellationToken cancellationToken)
    {
        await EnsureInstalledAsync(cancellationToken);
        int blob = Local.FreePort(), queue = Local.FreePort(), table = Local.FreePort();
        var process = ChildProcess.Start(
            Path.Combine(Repo.Root, ".tools", "azurite", "node_modules", ".bin", "azurite"),
            ["--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--inMemoryPersistence",
             "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
             "--tableHost", "127.0.0.1", "--tablePort", $"{table}"],
            new Dictionary<string, string>(),
            Repo.Root);
        var azurite = new Azurite(process, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
            $";BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;");
        try
        {
            foreach (var port in new[] { blob, queue, table })
            {
                await WaitForPortAsync(process, port, cancellationToken);
            }
        }
        catch
        {
            azurite.Dispose();
            throw;
        }

        return azurite;
    }

    public void Dispose() => _process.Dispose();

    // The installer lives in scripts/azurite.sh (one pinned version for run.sh, test.sh and the bench).
    private static async Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = Repo.Root, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("source scripts/azurite.sh && ensure_azurite");
        using var install = Process.Start(info) ?? throw new InvalidOperationException("Could not run bash.");
        await install.WaitForExitAsync(cancellationToken);
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException("Installing Azurite failed (scripts/azurite.sh ensure_azurite).");
        }
    }

    private static async Task WaitForPortAsync(ChildProcess process, int port, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 200; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("Azurite exited during start-up:" + Environment.NewLine + process.Tail);
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException($"Azurite did not listen on {port} within 10 s.");
    }
}
