using System.Text.Json;

namespace Genviral.Testing;

/// <summary>
/// The bindings the worker reports to the Functions host at start-up, read from the SDK's source-generated
/// metadata provider in the app assembly: the host's view of every function, without the host.
/// </summary>
internal static class WorkerMetadata
{
    public static IReadOnlyList<FunctionBinding> Functions { get; } = Load();

    private static List<FunctionBinding> Load()
    {
        var metadata = new Genviral.Functions.GeneratedFunctionMetadataProvider().GetFunctionMetadataAsync(AppContext.BaseDirectory).GetAwaiter().GetResult();
        return [.. metadata.Select(f =>
        {
            var bindings = f.RawBindings!.Select(b => JsonDocument.Parse(b).RootElement.Clone()).ToList();
            var trigger = bindings.Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            return new FunctionBinding(f.Name!, f.EntryPoint!, trigger.GetProperty("type").GetString()!, trigger, bindings);
        })];
    }
}

/// <param name="Trigger">The trigger binding: httpTrigger (route, methods, authLevel), queueTrigger (queueName, connection) or timerTrigger (schedule).</param>
internal sealed record FunctionBinding(string Name, string EntryPoint, string Type, JsonElement Trigger, IReadOnlyList<JsonElement> Bindings)
{
    public string? Get(string property) => Trigger.TryGetProperty(property, out var value) ? value.GetString() : null;

    public IReadOnlyList<string> Methods =>
        Trigger.TryGetProperty("methods", out var m) ? [.. m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant())] : [];
}
