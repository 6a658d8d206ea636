using System.Text.Json.Serialization;

namespace Genviral.Functions.Hosting;

/// <summary>The custom-handler response body <c>{Outputs, Logs, ReturnValue}</c>; our functions bind no outputs.</summary>
internal sealed record TriggerResponse(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, string> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] string? ReturnValue);

[JsonSerializable(typeof(TriggerResponse))]
[JsonSerializable(typeof(string))]
internal sealed partial class TriggerJsonContext : JsonSerializerContext;
