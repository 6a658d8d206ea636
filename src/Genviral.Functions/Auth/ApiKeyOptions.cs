namespace Genviral.Functions.Auth;

internal sealed class ApiKeyOptions
{
    public const string SectionName = "ApiKeys";

    /// <summary>How stale last_used_at may get: a key's use is recorded at most once per interval.</summary>
    public TimeSpan LastUsedInterval { get; set; } = TimeSpan.FromMinutes(1);
}
