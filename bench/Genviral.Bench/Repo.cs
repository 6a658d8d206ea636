using System.Net;
using System.Net.Sockets;

namespace Genviral.Bench;

internal static class Repo
{
    public static string Root { get; } = FindRoot();

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
            return Path.Combine(Root, "artifacts", "bin", "Genviral.Functions", configuration, "Genviral.Functions.dll");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Genviral.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the bench from inside the repository (Genviral.Functions.sln not found above " + AppContext.BaseDirectory + ").");
    }
}
