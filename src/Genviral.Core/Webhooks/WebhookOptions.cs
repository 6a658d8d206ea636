using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Genviral.Core.Webhooks;

/// <summary>How events are delivered: the attempt timeout and the retry schedule.</summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string SectionName = "Webhooks";

    /// <summary>At most this many webhooks per scope.</summary>
    public const int MaxPerScope = 10;

    /// <summary>A failing webhook is disabled after this many failed attempts in a row…</summary>
    public const int DisableAfterFailures = 50;

    /// <summary>…or once its deliveries have failed for this long without one getting through.</summary>
    public static readonly TimeSpan DisableAfterFailingFor = TimeSpan.FromDays(3);

    /// <summary>After a rotation the old secret still signs, beside the new one, for this long.</summary>
    public static readonly TimeSpan SecretGracePeriod = TimeSpan.FromHours(24);

    /// <summary>Delivery log rows older than this are removed as new deliveries are logged.</summary>
    public static readonly TimeSpan DeliveryRetention = TimeSpan.FromDays(30);

    /// <summary>At most this much of a receiver's answer is read (and the start of it kept as the attempt's error).</summary>
    public const int MaxResponseBytes = 4096;

    /// <summary>Longest time one attempt may take: connecting, sending, and the receiver's answer.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Delays before the second, third, … attempt, comma-separated (each varied by ±20% so failing receivers are not
    /// hit in step). The default spreads 8 attempts over about 27 hours.
    /// </summary>
    public string RetrySchedule { get; set; } = "00:00:05,00:05:00,00:30:00,02:00:00,05:00:00,10:00:00,10:00:00";

    /// <summary>The retry delays as parsed from <see cref="RetrySchedule"/>.</summary>
    public IReadOnlyList<TimeSpan> RetryDelays() =>
        [.. RetrySchedule.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => TimeSpan.Parse(d, CultureInfo.InvariantCulture))];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AttemptTimeout <= TimeSpan.Zero || AttemptTimeout > TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult("Webhooks:AttemptTimeout must be above zero and at most one minute.", [nameof(AttemptTimeout)]);
        }

        var valid = RetrySchedule.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .All(d => TimeSpan.TryParse(d, CultureInfo.InvariantCulture, out var delay) && delay >= TimeSpan.Zero && delay <= TimeSpan.FromDays(6));
        if (!valid)
        {
            // A queue message can be held back at most 7 days.
            yield return new ValidationResult("Webhooks:RetrySchedule must be comma-separated delays between 00:00:00 and 6.00:00:00.", [nameof(RetrySchedule)]);
        }
    }
}
