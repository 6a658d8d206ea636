using System.Globalization;
using Genviral.Bench;
using Genviral.Bench.Reliability;

// dotnet run -c Release --project bench/Genviral.Bench -- [--reliability] [--quick] [--out FILE]
var quick = false;
var reliability = false;
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
        case "--only" when i + 1 < args.Length && ReliabilityRun.Groups.Contains(args[i + 1]):
            only.Add(args[++i]);
            break;
        case "--out" when i + 1 < args.Length:
            outFile = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Genviral.Bench -- [--reliability [--only load|outage|crash|duplicates]...] [--quick] [--out FILE]");
            return 2;
    }
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

var settings = quick ? BenchSettings.Quick : BenchSettings.Full;
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
