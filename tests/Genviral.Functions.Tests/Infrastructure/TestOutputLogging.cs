using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Genviral.Functions.Tests.Infrastructure;

/// <summary>
/// The app's logs in the test output: an entry written while a test's code runs (its requests included, as the test
/// server keeps the caller's execution context) goes to that test's output. Background work started with the host
/// belongs to no test; its warnings and errors are kept in <see cref="BackgroundLogs"/>, which a poll that gives up prints.
/// </summary>
internal sealed class TestOutputLoggerProvider(string host) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new TestOutputLogger(host, categoryName);

    public void Dispose()
    {
    }

    private sealed class TestOutputLogger(string host, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"[app {host}] {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}";
            if (TestContext.Current.TestOutputHelper is { } output)
            {
                try
                {
                    output.WriteLine(line);
                    return;
                }
                catch (InvalidOperationException)
                {
                    // The test ended while work it started was still logging.
                }
            }

            if (logLevel >= LogLevel.Warning)
            {
                BackgroundLogs.Add(line);
            }
        }
    }
}

/// <summary>Recent warnings and errors that no running test owned (background work of the hosts), bounded.</summary>
internal static class BackgroundLogs
{
    private const int Capacity = 500;
    private static readonly ConcurrentQueue<(long Sequence, string Line)> Lines = new();
    private static long _sequence;

    /// <summary>A mark to pass to <see cref="Since"/> later.</summary>
    public static long Mark => Interlocked.Read(ref _sequence);

    public static void Add(string line)
    {
        Lines.Enqueue((Interlocked.Increment(ref _sequence), line));
        while (Lines.Count > Capacity && Lines.TryDequeue(out _))
        {
        }
    }

    public static IEnumerable<string> Since(long mark) => Lines.Where(l => l.Sequence > mark).Select(l => l.Line);
}
