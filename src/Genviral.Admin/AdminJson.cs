using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Genviral.Admin.Accounts;
using Genviral.Admin.Keys;
using Genviral.Admin.Tenancy;
using Genviral.Admin.Webhooks;

namespace Genviral.Admin;

internal sealed record ErrorOutput(string Error);

// Nulls are written (not omitted) so every object of one kind has the same keys, like the API's responses.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(ErrorOutput))]
[JsonSerializable(typeof(UserOutput))]
[JsonSerializable(typeof(WorkspaceOutput))]
[JsonSerializable(typeof(SubscriptionOutput))]
[JsonSerializable(typeof(IssuedKeyOutput))]
[JsonSerializable(typeof(KeyOutput))]
[JsonSerializable(typeof(KeyListOutput))]
[JsonSerializable(typeof(AccountOutput))]
[JsonSerializable(typeof(AccountListOutput))]
[JsonSerializable(typeof(WebhookOutput))]
[JsonSerializable(typeof(WebhookListOutput))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;

internal static class AdminJson
{
    // Output goes to terminals and scripts, never into HTML, so quotes and non-ASCII text need not be \u-escaped.
    public static AdminJsonContext Output { get; } =
        new(new JsonSerializerOptions(AdminJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

/// <summary>Timestamps as the Partner API writes them: UTC with milliseconds (<c>2025-01-20T12:05:11.205Z</c>).</summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}
