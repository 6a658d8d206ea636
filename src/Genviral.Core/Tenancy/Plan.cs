using Genviral.Core.Accounts;

namespace Genviral.Core.Tenancy;

/// <summary>The plans an owner can be on; only Creator, Professional and Business may use the Partner API.</summary>
public enum Plan
{
    Scheduler,
    Creator,
    Professional,
    Business,
}

public static class Plans
{
    public static string ToWire(this Plan plan) => plan.ToString().ToLowerInvariant();

    public static bool TryParse(string? value, out Plan plan) => AccountEnums.TryParseWire(value, out plan);
}
