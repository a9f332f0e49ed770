namespace Newsletter.Tests.Support;

/// <summary>Where the repository and the test fixtures are, found from the test binary.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Templates => Path.Combine(Root, "templates");

    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>Four real papers-page listings, kept in the repository so that tests own their data.</summary>
    public static string PapersPages => Fixture(Path.Combine("Listings", "PapersPages"));

    public static string Fixture(string name) => Path.Combine(Fixtures, name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Newsletter.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Newsletter.sln not found above " + AppContext.BaseDirectory);
    }
}
