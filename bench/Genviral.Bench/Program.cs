using System.Globalization;
using Genviral.Bench;
using Genviral.Bench.Reliability;

// dotnet run -c Release --project bench/Genviral.Bench -- [--reliability] [--quick] [--out FILE] [--only GROUP,...]
var quick = false;
var reliability = false;
// Reliability scenarios or benchmark groups, whichever is run; repeated or comma-separated.
var only = new HashSet<string>(StringComparer.Ordinal);
string? outFile = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            quick = true;
            break;
        case "--reliability":
            reliability = true;
            break;
        case "--only" when i + 1 < args.Length:
            only.UnionWith(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            break;
        case "--out" when i + 1 < args.Length:
            outFile = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Genviral.Bench -- [--reliability] [--quick] [--out FILE] [--only GROUP,...]");
            Console.Error.WriteLine("benchmark groups: " + string.Join(", ", BenchSettings.Groups) + "; reliability: " + string.Join(", ", ReliabilityRun.Groups));
            return 2;
    }
}

if (only.FirstOrDefault(g => !(reliability ? ReliabilityRun.Groups : BenchSettings.Groups).Contains(g, StringComparer.Ordinal)) is { } unknown)
{
    Console.Error.WriteLine($"unknown group {unknown}; groups: {string.Join(", ", reliability ? ReliabilityRun.Groups : BenchSettings.Groups)}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

if (reliability)
{
    var run = quick ? ReliabilitySettings.QuickRun : ReliabilitySettings.FullRun;
    Console.WriteLine($"Genviral reliability harness ({(quick ? "quick" : "full")}): {run.Describe()}");
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var results = await ReliabilityRun.RunAsync(run, only, cancel.Token);
    Console.WriteLine();
    Console.WriteLine(ScenarioResult.Table(results));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{results.Count(r => r.Passed)} of {results.Count} scenarios passed in {clock.Elapsed.TotalMinutes:F1} min"));
    if (outFile is not null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
        await File.WriteAllTextAsync(outFile, ScenarioResult.Json(results), cancel.Token);
        Console.WriteLine($"Wrote {results.Count} scenarios to {outFile}");
    }

    return results.All(r => r.Passed) ? 0 : 1;
}

var settings = (quick ? BenchSettings.Quick : BenchSettings.Full) with { Only = only.Count == 0 ? null : [.. only] };
Console.WriteLine($"Genviral bench ({(quick ? "quick" : "full")}): {settings.Describe()}");
var measures = await BenchRun.RunAsync(settings, cancel.Token);

Console.WriteLine();
Console.WriteLine(Report.Table(measures));
if (outFile is not null)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
    await File.WriteAllTextAsync(outFile, Report.Json(measures), cancel.Token);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {measures.Count} measures to {outFile}"));
}

return 0;
