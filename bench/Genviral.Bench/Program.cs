using System.Globalization;
using Genviral.Bench;

// dotnet run -c Release --project bench/Genviral.Bench -- [--quick] [--out FILE]
var quick = false;
string? outFile = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            quick = true;
            break;
        case "--out" when i + 1 < args.Length:
            outFile = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Genviral.Bench -- [--quick] [--out FILE]");
            return 2;
    }
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

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
