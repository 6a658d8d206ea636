using System.Collections.Concurrent;
using System.Diagnostics;

namespace Genviral.Bench;

/// <summary>
/// A process the bench started (Azurite, the app). Every one is registered so that Ctrl-C, an exception or a
/// normal exit ends it together with its children: a bench must never leave a listener behind.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly ConcurrentDictionary<int, ChildProcess> Running = new();
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    private ChildProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote, for the error message when it fails.</summary>
    public string Tail => string.Join(Environment.NewLine, _tail);

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.Start();
        Running[process.Id] = child;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public void Dispose()
    {
        Running.TryRemove(_process.Id, out _);
        Kill();
        _process.Dispose();
    }

    /// <summary>
    /// Asks the process to end (SIGTERM) and waits until it has exited, or until <paramref name="done"/> says its
    /// output shows it is done (Azurite: its services closed and their data saved; it may never exit by itself), or
    /// until <paramref name="grace"/> has passed; then it is killed if it is still there.
    /// </summary>
    public async Task StopAsync(TimeSpan grace, Func<IReadOnlyCollection<string>, bool> done)
    {
        if (_process.HasExited)
        {
            return;
        }

        _tail.Clear();
        using (var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            await signal!.WaitForExitAsync();
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(grace.TotalSeconds * Stopwatch.Frequency);
        while (!_process.HasExited && !done(_tail) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50);
        }

        Kill();
    }

    /// <summary>SIGKILL of the process and its children, as <c>kill -9</c>: no shutdown code runs.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void KillAll()
    {
        foreach (var child in Running.Values)
        {
            child.Kill();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > 40)
        {
            _tail.TryDequeue(out _);
        }
    }
}
