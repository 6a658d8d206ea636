using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Genviral.Core;

namespace Genviral.Functions.Api;

internal static class ApiJson
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>The wire format's serializer settings, for TypedResults in both hosts and for the OpenAPI schemas.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        // Converters named on the source-generated context apply only to its own options, so add it here too.
        options.Converters.Add(new UtcTimestampConverter());
    }

    /// <summary>Wraps data in the success envelope with the given status (200 unless stated).</summary>
    public static Envelope<T> Envelope<T>(string message, T data, int status = StatusCodes.Status200OK) => new(true, status, message, data);
}

/// <summary>Writes timestamps as ISO 8601 UTC with milliseconds (2025-01-20T12:05:11.205Z); reads only values that carry an offset.</summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Timestamps.TryParse(reader.GetString(), out var value) ? value : throw new JsonException("Timestamps need an ISO 8601 date, time and offset.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}
