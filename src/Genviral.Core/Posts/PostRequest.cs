using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Genviral.Core.Posts;

/// <summary>A body field: whether it was sent at all, and its value (which may be null when null was sent).</summary>
internal readonly record struct Field<T>(bool Present, T Value)
{
    public static readonly Field<T> Absent = new(false, default!);
}

/// <summary>
/// The fields of a create or patch body, with their JSON shapes checked. Shape problems (a wrong JSON type, an
/// object without its required keys) refuse the body as a whole; the content rules come later, in PostValidation.
/// </summary>
internal sealed class PostRequest
{
    public Field<string> Caption { get; private init; } = Field<string>.Absent;

    public Field<PostMedia> Media { get; private init; } = Field<PostMedia>.Absent;

    public Field<IReadOnlyList<string>> Accounts { get; private init; } = Field<IReadOnlyList<string>>.Absent;

    /// <summary>The requested time, or null; <see cref="ScheduledAtInvalid"/> when the text was not a time with an offset.</summary>
    public Field<DateTimeOffset?> ScheduledAt { get; private init; } = Field<DateTimeOffset?>.Absent;

    public bool ScheduledAtInvalid { get; private init; }

    public Field<string?> MusicUrl { get; private init; } = Field<string?>.Absent;

    public Field<string?> ExternalId { get; private init; } = Field<string?>.Absent;

    public List<RuleIssue> ShapeIssues { get; } = [];

    public bool HasContentField => Caption.Present || Media.Present || Accounts.Present || ScheduledAt.Present || MusicUrl.Present;

    public static PostRequest Parse(JsonElement body)
    {
        var issues = new List<RuleIssue>();
        var request = new PostRequest
        {
            Caption = ReadString(body, "caption", nullable: false, issues)!,
            Media = ReadMedia(body, issues),
            Accounts = ReadAccounts(body, issues),
            ScheduledAt = ReadTime(body, "scheduled_at", issues, out var invalidTime),
            ScheduledAtInvalid = invalidTime,
            MusicUrl = ReadString(body, "music_url", nullable: true, issues),
            ExternalId = ReadString(body, "external_id", nullable: true, issues),
        };
        request.ShapeIssues.AddRange(issues);
        return request;
    }

    /// <summary>SHA-256 over the normalized request, so a replay matches however its JSON was formatted.</summary>
    public string Fingerprint()
    {
        var builder = new StringBuilder();
        builder.Append(Caption.Value).Append('\u001f');
        builder.AppendJoin(',', (Accounts.Value ?? []).Select(a => a.ToLowerInvariant()).Order(StringComparer.Ordinal)).Append('\u001f');
        builder.Append(Media.Value?.Type).Append(':').AppendJoin('\u001e', Media.Value?.Urls ?? []).Append('\u001f');
        builder.Append(ScheduledAt.Value?.UtcTicks).Append('\u001f').Append(MusicUrl.Value).Append('\u001f').Append(ExternalId.Value);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    private static Field<string?> ReadString(JsonElement body, string name, bool nullable, List<RuleIssue> issues)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            return Field<string?>.Absent;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return new(true, value.GetString());
        }

        if (value.ValueKind == JsonValueKind.Null && nullable)
        {
            return new(true, null);
        }

        issues.Add(new(name, nullable ? $"{name} must be a string or null" : $"{name} must be a string"));
        return Field<string?>.Absent;
    }

    private static Field<DateTimeOffset?> ReadTime(JsonElement body, string name, List<RuleIssue> issues, out bool invalid)
    {
        invalid = false;
        var text = ReadString(body, name, nullable: true, issues);
        if (!text.Present || text.Value is null)
        {
            return text.Present ? new(true, null) : Field<DateTimeOffset?>.Absent;
        }

        if (Timestamps.TryParse(text.Value, out var time))
        {
            return new(true, time);
        }

        invalid = true;
        return new(true, null);
    }

    private static Field<IReadOnlyList<string>> ReadAccounts(JsonElement body, List<RuleIssue> issues)
    {
        if (!body.TryGetProperty("accounts", out var value))
        {
            return Field<IReadOnlyList<string>>.Absent;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            issues.Add(new("accounts", "accounts must be an array of {\"id\": \"<account id>\"}"));
            return Field<IReadOnlyList<string>>.Absent;
        }

        var ids = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            // [{id}] is the documented shape; bare id strings (the older docs' "list of account IDs") are accepted too.
            var id = item.ValueKind switch
            {
                JsonValueKind.Object when item.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String => idValue.GetString(),
                JsonValueKind.String => item.GetString(),
                _ => null,
            };
            if (id is null)
            {
                issues.Add(new($"accounts[{index}]", "Each account must be an object with a string id"));
            }
            else
            {
                ids.Add(id);
            }

            index++;
        }

        return new(true, ids);
    }

    private static Field<PostMedia> ReadMedia(JsonElement body, List<RuleIssue> issues)
    {
        if (!body.TryGetProperty("media", out var value))
        {
            return Field<PostMedia>.Absent;
        }

        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            issues.Add(new("media", "media must be {\"type\": \"video\", \"url\"} or {\"type\": \"slideshow\", \"urls\": [...]}"));
            return Field<PostMedia>.Absent;
        }

        switch (type.GetString())
        {
            case "video" when value.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String:
                return new(true, new PostMedia(MediaType.Video, [url.GetString()!]));
            case "slideshow" when value.TryGetProperty("urls", out var urls) && urls.ValueKind == JsonValueKind.Array
                && urls.EnumerateArray().All(u => u.ValueKind == JsonValueKind.String):
                return new(true, new PostMedia(MediaType.Slideshow, [.. urls.EnumerateArray().Select(u => u.GetString()!)]));
            case "video":
                issues.Add(new("media.url", "A video needs a url string"));
                return Field<PostMedia>.Absent;
            case "slideshow":
                issues.Add(new("media.urls", "A slideshow needs urls: an array of strings"));
                return Field<PostMedia>.Absent;
            default:
                issues.Add(new("media.type", "media.type must be video or slideshow"));
                return Field<PostMedia>.Absent;
        }
    }
}
