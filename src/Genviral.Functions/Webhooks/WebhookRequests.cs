using System.Text.Json;
using Genviral.Core.Accounts;
using Genviral.Core.Webhooks;
using Genviral.Functions.Api;

namespace Genviral.Functions.Webhooks;

/// <summary>The fields of a create or patch body that were sent, checked. Null means "not sent" (description: see <see cref="DescriptionSent"/>).</summary>
internal sealed record WebhookFields(string? Url, IReadOnlyList<string>? Events, bool DescriptionSent, string? Description, WebhookStatus? Status)
{
    public bool Any => Url is not null || Events is not null || DescriptionSent || Status is not null;

    /// <summary>
    /// The webhook with these fields applied. A new URL is a new receiver, so its failure record starts clean; the
    /// status is left as it is unless sent (a disabled webhook given a new URL stays disabled until status: active).
    /// </summary>
    public Webhook ApplyTo(Webhook w, DateTimeOffset now)
    {
        var updated = w with
        {
            Url = Url ?? w.Url,
            Events = Events ?? w.Events,
            Description = DescriptionSent ? Description : w.Description,
            UpdatedAt = now,
        };
        if (Url is not null && Url != w.Url)
        {
            updated = updated with { ConsecutiveFailures = 0, FailingSince = null };
        }

        return Status switch
        {
            WebhookStatus.Active when w.Status != WebhookStatus.Active => updated.Enabled(now),
            WebhookStatus.Disabled when w.Status != WebhookStatus.Disabled => updated.Disabled("disabled through the API", now),
            _ => updated,
        };
    }
}

/// <summary>Reads and checks webhook bodies: wrong types and values are 400 validation_failed with one issue per field.</summary>
internal static class WebhookRequests
{
    public const int MaxDescriptionLength = 256;

    public static async Task<(WebhookFields? Fields, ApiError? Error)> ParseAsync(JsonElement body, bool create, WebhookUrlRules urls, CancellationToken cancellationToken)
    {
        var issues = new List<FieldIssue>();
        string? url = null;
        if (body.TryGetProperty("url", out var urlValue))
        {
            if (urlValue.ValueKind != JsonValueKind.String)
            {
                issues.Add(new("url", "url must be a string"));
            }
            else if (await urls.CheckAsync(urlValue.GetString()!, cancellationToken) is { } problem)
            {
                issues.Add(new("url", problem));
            }
            else
            {
                url = urlValue.GetString();
            }
        }
        else if (create)
        {
            issues.Add(new("url", "url is required"));
        }

        var events = body.TryGetProperty("events", out var eventsValue) ? ReadEvents(eventsValue, issues) : null;
        if (events is null && create && issues.All(i => i.Field != "events"))
        {
            issues.Add(new("events", "events is required: a list of event types, or [\"*\"] for all"));
        }

        var descriptionSent = body.TryGetProperty("description", out var descriptionValue);
        string? description = null;
        if (descriptionSent)
        {
            if (descriptionValue.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                issues.Add(new("description", "description must be a string or null"));
            }
            else if (descriptionValue.GetString()?.Trim() is { Length: > 0 } text)
            {
                description = text;
                if (text.Length > MaxDescriptionLength)
                {
                    issues.Add(new("description", $"description is longer than {MaxDescriptionLength} characters"));
                }
            }
        }

        WebhookStatus? status = null;
        if (!create && body.TryGetProperty("status", out var statusValue))
        {
            status = statusValue.ValueKind == JsonValueKind.String && AccountEnums.TryParseWire(statusValue.GetString(), out WebhookStatus parsed) ? parsed : null;
            if (status is null)
            {
                issues.Add(new("status", "status must be active or disabled"));
            }
        }

        return issues.Count > 0
            ? (null, new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, issues[0].Message, issues))
            : (new WebhookFields(url, events, descriptionSent, description, status), null);
    }

    /// <summary>Known event types, each once, in the order given; <c>*</c> anywhere means every type and is kept alone.</summary>
    private static List<string>? ReadEvents(JsonElement value, List<FieldIssue> issues)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0 || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            issues.Add(new("events", "events must be a non-empty list of event types, or [\"*\"] for all"));
            return null;
        }

        var events = value.EnumerateArray().Select(e => e.GetString()!).Distinct(StringComparer.Ordinal).ToList();
        if (events.FirstOrDefault(e => e != WebhookEvents.All && !WebhookEvents.IsKnown(e)) is { } unknown)
        {
            issues.Add(new("events", $"unknown event type '{unknown}'; known types: {string.Join(", ", WebhookEvents.Types)}, or *"));
            return null;
        }

        return events.Contains(WebhookEvents.All) ? [WebhookEvents.All] : events;
    }
}
