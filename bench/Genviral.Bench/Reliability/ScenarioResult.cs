using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Genviral.Bench.Reliability;

/// <summary>One scenario's verdict and its figures, in the order they were added (one JSON row, one table row).</summary>
internal sealed class ScenarioResult(string name)
{
    private readonly List<string> _failures = [];

    public string Name { get; } = name;

    public bool Passed => _failures.Count == 0;

    public List<KeyValuePair<string, JsonNode?>> Figures { get; } = [];

    /// <summary>Why the scenario failed, one line per broken goal.</summary>
    public IReadOnlyList<string> Failures => _failures;

    public ScenarioResult Add(string figure, double value)
    {
        Figures.Add(new(figure, Math.Round(value, 3)));
        return this;
    }

    public ScenarioResult Add(string figure, long value)
    {
        Figures.Add(new(figure, value));
        return this;
    }

    public ScenarioResult Add(string figure, string value)
    {
        Figures.Add(new(figure, value));
        return this;
    }

    /// <summary>A figure whose goal is <paramref name="goal"/> or less; the scenario fails when it is above.</summary>
    public ScenarioResult Goal(string figure, double value, double goal = 0)
    {
        Add(figure, value);
        if (value > goal)
        {
            _failures.Add(string.Create(CultureInfo.InvariantCulture, $"{figure} = {value:0.###} (goal ≤ {goal:0.###})"));
        }

        return this;
    }

    /// <summary>A condition the scenario needs, such as having crashed while the work was under way.</summary>
    public ScenarioResult Require(bool condition, string failure)
    {
        if (!condition)
        {
            _failures.Add(failure);
        }

        return this;
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["name"] = Name, ["passed"] = Passed };
        foreach (var (key, value) in Figures)
        {
            json[key] = value?.DeepClone();
        }

        if (_failures.Count > 0)
        {
            json["failures"] = new JsonArray([.. _failures.Select(f => (JsonNode)JsonValue.Create(f))]);
        }

        return json;
    }

    public static string Table(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        var width = results.Max(r => r.Name.Length);
        text.AppendLine("| scenario".PadRight(width + 2) + " | passed | figures |");
        text.AppendLine("|" + new string('-', width + 2) + "|--------|---------|");
        foreach (var result in results)
        {
            var figures = string.Join(", ", result.Figures.Select(f => $"{f.Key} {f.Value?.ToJsonString()}"));
            text.AppendLine($"| {result.Name.PadRight(width)} | {(result.Passed ? "yes" : "NO"),-6} | {figures} |");
            foreach (var failure in result.Failures)
            {
                text.AppendLine($"|   {"".PadRight(width - 2)} |        | failed: {failure} |");
            }
        }

        return text.ToString();
    }

    public static string Json(IReadOnlyList<ScenarioResult> results) =>
        new JsonArray([.. results.Select(r => (JsonNode)r.ToJson())]).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
