namespace Genviral.Testing;

/// <summary>
/// The repository checkout the build runs from, found by its solution file above the binaries: the tests and the
/// bench read its real files, never copies. (The bench compiles this file in as well.)
/// </summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Genviral.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Genviral.Functions.sln above {AppContext.BaseDirectory}: run from a build inside the repository.");
    }
}
