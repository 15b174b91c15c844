using System.Text.Json.Nodes;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Testing;

namespace NotebookFunctions.Core.Tests.Testing;

/// <summary>A folder holding a notebook, its sample data and its test file, and a way to run its suite on real kernels.</summary>
internal sealed class NotebookTestFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("nbf-test-suite-").FullName;

    public string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A CSV of id,value with the given values.</summary>
    public string Csv(string name, params double[] values) =>
        Write(name, "id,value\n" + string.Concat(values.Select((v, i) => FormattableString.Invariant($"{i + 1},{v}\n"))));

    /// <summary>The suite the test file (as JSON) gives for the notebook, read as nbf test reads it.</summary>
    public TestSuite Suite(string notebook, JsonObject testFile) =>
        TestSuiteReader.Read(testFile, System.IO.Path.Combine(Path, "nb.test.yaml"), System.IO.Path.Combine(Path, notebook)) with { DisplayName = notebook };

    public static async Task<IReadOnlyList<TestResult>> RunAsync(TestSuite suite, TestRunOptions? options = null)
    {
        using var session = new TestSession(new NotebookExecutor(), new EnvironmentSecretSource(), 2);
        return await new NotebookTestRunner(session, options ?? new TestRunOptions()).RunAsync([suite], null, CancellationToken.None);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
