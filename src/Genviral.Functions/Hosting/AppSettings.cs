namespace Genviral.Functions.Hosting;

/// <summary>Trigger attributes name app settings as <c>%Name%</c>, which the Functions host resolves; standalone mode resolves them here.</summary>
internal static class AppSettings
{
    public static string Resolve(string expression, IConfiguration configuration)
    {
        if (expression.Length < 2 || expression[0] != '%' || expression[^1] != '%')
        {
            return expression;
        }

        var name = expression[1..^1];
        return configuration[name] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"App setting {name} is not set; the trigger attribute reads it as {expression}.");
    }
}
