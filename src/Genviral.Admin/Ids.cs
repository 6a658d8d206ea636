namespace Genviral.Admin;

internal static class Ids
{
    /// <summary>
    /// Every id the CLI accepts (users, workspaces, accounts) was minted as a GUID; normalising here lets an
    /// upper-case or braced GUID match, and keeps arbitrary text out of table keys (which forbid '/', '#', '?').
    /// </summary>
    public static string? Normalize(string? value) => Guid.TryParse(value, out var id) ? id.ToString() : null;
}
