using System.Net;
using System.Net.Sockets;
using Genviral.Testing;

namespace Genviral.Bench;

/// <summary>This machine and this build: the app the bench starts, and free ports for what it starts.</summary>
internal static class Local
{
    /// <summary>
    /// The app's build output in the bench's own configuration (artifacts/bin/&lt;project&gt;/&lt;config&gt;/), or the
    /// assembly GENVIRAL_BENCH_APP names, to measure another build (an older commit) against the same harness.
    /// </summary>
    public static string AppAssembly
    {
        get
        {
            if (Environment.GetEnvironmentVariable("GENVIRAL_BENCH_APP") is { Length: > 0 } other)
            {
                return Path.GetFullPath(other);
            }

            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
            return Repo.PathOf("artifacts", "bin", "Genviral.Functions", configuration, "Genviral.Functions.dll");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
