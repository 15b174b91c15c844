namespace NotebookFunctions.Core.Tests;

/// <summary>The notebook files under Fixtures/, copied beside the test assembly.</summary>
internal static class Fixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}
