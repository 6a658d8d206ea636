namespace Genviral.Admin;

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something named does not exist, the input is invalid for the stored data, or storage failed.</summary>
    public const int Failed = 1;

    /// <summary>The command line itself is wrong: unknown command, missing or malformed options, conflicting options.</summary>
    public const int Usage = 2;
}
