using System.Text.Json.Serialization;
using Genviral.Functions.Accounts;
using Genviral.Functions.Service;
using Genviral.Functions.Subscriptions;

namespace Genviral.Functions.Api;

/// <summary>
/// Source-generated contracts of the wire format. Most names are snake_case; the few camelCase names the
/// public API uses are set per property with [JsonPropertyName], never by a second naming policy.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(Envelope<AccountsData>))]
[JsonSerializable(typeof(Envelope<SubscriptionData>))]
[JsonSerializable(typeof(Envelope<HealthData>))]
[JsonSerializable(typeof(Envelope<RootData>))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
