namespace Genviral.Functions.Hosting;

internal static class WorkerHost
{
    /// <summary>
    /// The Functions host starts the worker with the address of its gRPC endpoint (<c>--functions-uri</c>; hosts before
    /// 4.x's worker-indexing era pass <c>--host</c>, <c>--port</c> and <c>--workerId</c>). Without them nobody would
    /// call the worker, so the app runs standalone.
    /// </summary>
    public static bool IsStartedByFunctionsHost(IReadOnlyList<string> args) =>
        args.Any(a => a.StartsWith("--functions-uri", StringComparison.Ordinal) || a.StartsWith("--workerId", StringComparison.Ordinal));
}
