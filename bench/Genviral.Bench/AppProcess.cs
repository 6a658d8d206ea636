using System.Diagnostics;
using System.Net.Http.Headers;

namespace Genviral.Bench;

/// <summary>The API as its own process: the Release build, standalone mode, over loopback HTTP.</summary>
internal sealed class AppProcess : IDisposable
{
    private readonly ChildProcess _process;

    private AppProcess(ChildProcess process, Uri baseAddress, TimeSpan startUp)
    {
        _process = process;
        BaseAddress = baseAddress;
        StartUp = startUp;
    }

    public Uri BaseAddress { get; }

    /// <summary>From process start to the first successful GET /api/partner/v1/accounts.</summary>
    public TimeSpan StartUp { get; }

    /// <summary>Starts the app and waits until <paramref name="token"/> gets a 200 from GET /accounts.</summary>
    public static Task<AppProcess> StartAsync(string connectionString, string token, CancellationToken cancellationToken) =>
        StartAsync(connectionString, token, new Dictionary<string, string>(), Local.FreePort(), cancellationToken);

    /// <summary>Starts the app on <paramref name="port"/> with more <paramref name="settings"/> (environment variables) and waits as above.</summary>
    public static async Task<AppProcess> StartAsync(
        string connectionString, string token, IReadOnlyDictionary<string, string> settings, int port, CancellationToken cancellationToken)
    {
        var assembly = Local.AppAssembly;
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException("The app is not built; run the bench with dotnet run -c Release so it builds the app too.", assembly);
        }

        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var environment = new Dictionary<string, string>(settings)
        {
            ["ASPNETCORE_URLS"] = baseAddress.ToString(),
            ["Storage__ConnectionString"] = connectionString,
            // As in Azure: the tables already exist (the bench made them), so start-up does not create resources.
            ["Storage__CreateResources"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        var process = ChildProcess.Start("dotnet", [assembly], environment, Path.GetDirectoryName(assembly)!);
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException("The app exited during start-up:" + Environment.NewLine + process.Tail);
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/partner/v1/accounts");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                try
                {
                    using var response = await http.SendAsync(request, cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        return new AppProcess(process, baseAddress, clock.Elapsed);
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(10, cancellationToken);
            }

            throw new TimeoutException("The app did not answer GET /accounts within 60 s:" + Environment.NewLine + process.Tail);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the app wrote.</summary>
    public string Tail => _process.Tail;

    /// <summary><c>kill -9</c>: the app ends mid-work, with no shutdown code run.</summary>
    public void Kill() => _process.Kill();

    public void Dispose() => _process.Dispose();
}
