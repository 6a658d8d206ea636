using System.ComponentModel.DataAnnotations;

namespace Genviral.Functions.Api;

internal sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Largest request body accepted; bigger bodies get 413 payload_too_large before any parsing.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
