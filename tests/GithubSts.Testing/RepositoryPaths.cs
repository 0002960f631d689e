namespace GithubSts.Testing;

/// <summary>Where the repository is, seen from a test or benchmark binary (the directory holding GithubSts.sln).</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GithubSts.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("GithubSts.sln not found above " + AppContext.BaseDirectory);
    }
}
