using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Genviral.Bench;

/// <summary>
/// One measured row. <see cref="Ratio"/> is this row's p50 over its baseline's p50 (how many times the baseline's
/// cost it has); <see cref="RpsRatio"/> is baseline throughput over this row's.
/// </summary>
internal sealed record Measure(string Name, string Group, Sample? Sample, string? Baseline = null, double? Ratio = null, double? RpsRatio = null, string? Note = null)
{
    public Dictionary<string, JsonNode?> Extra { get; init; } = [];

    public static Measure Against(string name, string group, Sample sample, Measure baseline, string? note = null) =>
        new(name, group, sample, baseline.Name, sample.P50Ms / baseline.Sample!.P50Ms, baseline.Sample.Rps / sample.Rps, note);

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["name"] = Name, ["group"] = Group };
        if (Sample is { } s)
        {
            json["concurrency"] = s.Concurrency;
            json["requests"] = s.Count;
            json["errors"] = s.Errors;
            json["rps"] = Math.Round(s.Rps, 1);
            json["p50_ms"] = Math.Round(s.P50Ms, 3);
            json["p99_ms"] = Math.Round(s.P99Ms, 3);
        }

        foreach (var (key, value) in Extra)
        {
            json[key] = value;
        }

        if (Baseline is not null)
        {
            json["baseline"] = Baseline;
            json["ratio"] = Math.Round(Ratio!.Value, 2);
            json["rps_ratio"] = Math.Round(RpsRatio!.Value, 2);
        }

        if (Note is not null)
        {
            json["note"] = Note;
        }

        return json;
    }
}

internal static class Report
{
    public static string Table(IReadOnlyList<Measure> measures)
    {
        var rows = measures.Select(m => new[]
        {
            m.Name,
            m.Sample is { } s ? s.Concurrency.ToString(CultureInfo.InvariantCulture) : "",
            m.Sample is { } c ? c.Count.ToString(CultureInfo.InvariantCulture) + (c.Errors > 0 ? $" ({c.Errors} err)" : "") : "",
            m.Sample is { } r ? r.Rps.ToString("F0", CultureInfo.InvariantCulture) : "",
            m.Sample is { } p ? Ms(p.P50Ms) : "",
            m.Sample is { } q ? Ms(q.P99Ms) : "",
            m.Baseline ?? "",
            m.Ratio is { } ratio ? ratio.ToString("F2", CultureInfo.InvariantCulture) + "x" : "",
            m.Note ?? "",
        }).ToList();
        string[] header = ["measure", "conc", "n", "rps", "p50 ms", "p99 ms", "baseline", "ratio (p50)", "note"];
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells) => text.AppendLine("| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |");
        Line(header);
        Line(widths.Select(w => new string('-', w)).ToArray());
        rows.ForEach(Line);
        return text.ToString();
    }

    public static string Json(IReadOnlyList<Measure> measures) =>
        new JsonArray([.. measures.Select(m => (JsonNode)m.ToJson())]).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "F2" : "F1", CultureInfo.InvariantCulture);
}
