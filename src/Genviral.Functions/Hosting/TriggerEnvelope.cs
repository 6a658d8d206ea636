using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Genviral.Functions.Hosting;

/// <summary>
/// Parses the Functions host's custom-handler invocation body <c>{Data, Metadata}</c>. The host serializes every
/// non-object binding value a second time (strings arrive with extra quotes, numbers as strings), so each field
/// is read tolerantly: unquote up to twice, accept numbers as strings, trim quotes from ids.
/// </summary>
internal static class TriggerEnvelope
{
    public static bool TryParseQueue(JsonElement root, int maxDequeueCount, out QueueMessage message)
    {
        message = null!;
        if (root.ValueKind != JsonValueKind.Object || !TryGetSingleBinding(root, out var value))
        {
            return false;
        }

        var body = value.ValueKind switch
        {
            JsonValueKind.String => Unwrap(value.GetString()!),
            JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
            _ => null,
        };
        if (body is null)
        {
            return false;
        }

        var metadata = Property(root, "Metadata");
        var dequeueCount = ReadLong(Property(metadata, "DequeueCount")) ?? 1;
        message = new QueueMessage(
            body,
            ReadString(Property(metadata, "Id")),
            dequeueCount,
            ReadTime(Property(metadata, "InsertionTime")),
            dequeueCount >= maxDequeueCount);
        return true;
    }

    public static bool TryParseTimer(JsonElement root, out TimerInfo timer)
    {
        timer = null!;
        if (root.ValueKind != JsonValueKind.Object || !TryGetSingleBinding(root, out var value))
        {
            return false;
        }

        // A timer binding value is an object; tolerate it arriving as a JSON string of that object.
        if (value.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var inner = JsonDocument.Parse(Unwrap(value.GetString()!));
                return TryReadTimer(inner.RootElement.Clone(), out timer);
            }
            catch (JsonException)
            {
                return false;
            }
        }

        return TryReadTimer(value, out timer);
    }

    private static bool TryReadTimer(JsonElement value, out TimerInfo timer)
    {
        timer = null!;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var status = Property(value, "ScheduleStatus");
        timer = new TimerInfo(
            ReadBool(Property(value, "IsPastDue")) ?? false,
            ReadTime(Property(status, "Last")),
            ReadTime(Property(status, "Next")));
        return true;
    }

    /// <summary>The trigger's value: Data has one key per input binding, and our trigger functions have exactly one.</summary>
    private static bool TryGetSingleBinding(JsonElement root, out JsonElement value)
    {
        value = default;
        var data = Property(root, "Data");
        if (data.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var binding in data.EnumerateObject())
        {
            value = binding.Value;
            return true;
        }

        return false;
    }

    private static JsonElement Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        foreach (var p in element.EnumerateObject())
        {
            if (p.NameEquals(name) || string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return default;
    }

    /// <summary>Removes the host's extra JSON-string encoding (at most twice), and base64 if the host left it on.</summary>
    internal static string Unwrap(string text)
    {
        for (var i = 0; i < 2 && text.Length >= 2 && text[0] == '"' && text[^1] == '"'; i++)
        {
            try
            {
                text = JsonSerializer.Deserialize(text, TriggerJsonContext.Default.String) ?? text;
            }
            catch (JsonException)
            {
                break;
            }
        }

        return LooksLikeJson(text) ? text : TryBase64Json(text) ?? text;
    }

    private static bool LooksLikeJson(string text) => text.TrimStart() is { Length: > 0 } t && (t[0] == '{' || t[0] == '[');

    private static string? TryBase64Json(string text)
    {
        var buffer = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            return null;
        }

        try
        {
            var decoded = new UTF8Encoding(false, true).GetString(buffer, 0, written);
            return LooksLikeJson(decoded) ? decoded : null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static string? ReadString(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => Unwrap(e.GetString()!).Trim('"'),
        JsonValueKind.Number => e.GetRawText(),
        _ => null,
    };

    private static long? ReadLong(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number when e.TryGetInt64(out var n) => n,
        JsonValueKind.String when long.TryParse(ReadString(e), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    private static bool? ReadBool(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when bool.TryParse(ReadString(e), out var b) => b,
        _ => null,
    };

    private static DateTimeOffset? ReadTime(JsonElement e) =>
        ReadString(e) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
