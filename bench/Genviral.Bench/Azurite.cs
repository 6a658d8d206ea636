using System.Diagnostics;
using System.Net.Sockets;
using Genviral.Testing;

namespace Genviral.Bench;

/// <summary>
/// The pinned Azurite that scripts/azurite.sh installs, on free ports, for this run only: in memory, or with its data
/// in a folder, so that it can be stopped and started again on the same ports with the same data (an outage).
/// </summary>
internal sealed class Azurite : IDisposable
{
    // Azurite's well-known development account key: public and the same on every machine, not a secret.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly int _blob;
    private readonly int _queue;
    private readonly int _table;
    private readonly string? _location;
    private ChildProcess? _process;

    private Azurite(int blob, int queue, int table, string? location)
    {
        _blob = blob;
        _queue = queue;
        _table = table;
        _location = location;
        ConnectionString = ConnectionStringFor(queue);
    }

    public string ConnectionString { get; }

    public int QueuePort => _queue;

    /// <summary>In memory: its data goes with the process.</summary>
    public static Task<Azurite> StartAsync(CancellationToken cancellationToken) => StartAsync(null, cancellationToken);

    /// <summary>With <paramref name="location"/> set, Azurite keeps its data in that folder, and <see cref="StartAgainAsync"/> finds it there.</summary>
    public static async Task<Azurite> StartAsync(string? location, CancellationToken cancellationToken)
    {
        await EnsureInstalledAsync(cancellationToken);
        var azurite = new Azurite(Local.FreePort(), Local.FreePort(), Local.FreePort(), location);
        try
        {
            await azurite.StartAgainAsync(cancellationToken);
        }
        catch
        {
            azurite.Dispose();
            throw;
        }

        return azurite;
    }

    /// <summary>The connection string of this account with its queue service reached through <paramref name="queuePort"/> (a proxy).</summary>
    public string ConnectionStringFor(int queuePort) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
        $";BlobEndpoint=http://127.0.0.1:{_blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{_table}/devstoreaccount1;";

    /// <summary>Starts the process (again) on the same ports and data, and returns once all three services accept connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("Azurite is running.");
        }

        _process?.Dispose();
        List<string> arguments =
        [
            "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl",
            "--blobHost", "127.0.0.1", "--blobPort", $"{_blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{_queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{_table}",
        ];
        arguments.AddRange(_location is null ? ["--inMemoryPersistence"] : ["--location", _location]);
        _process = ChildProcess.Start(Path.Combine(Repo.Root, ".tools", "azurite", "node_modules", ".bin", "azurite"), arguments, new Dictionary<string, string>(), Repo.Root);
        foreach (var port in new[] { _blob, _queue, _table })
        {
            await WaitForPortAsync(_process, port, cancellationToken);
        }
    }

    /// <summary>
    /// Stops Azurite as an outage would: SIGTERM, after which it refuses new connections, answers nothing more on the
    /// open ones and saves its data (with a location). It then waits for its clients to give up their connections and
    /// may never exit by itself, so once all three services say they closed it is killed. Its ports refuse connections
    /// until <see cref="StartAgainAsync"/>.
    /// </summary>
    public Task StopAsync() =>
        _process?.StopAsync(TimeSpan.FromSeconds(30), output => output.Count(line => line.Contains("successfully closed", StringComparison.Ordinal)) >= 3)
        ?? Task.CompletedTask;

    public void Dispose() => _process?.Dispose();

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
        // Generous: on a busy shared machine node takes its time to start (and, with a location, to load its data).
        var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
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

        throw new TimeoutException($"Azurite did not listen on {port} within 60 s.");
    }
}
