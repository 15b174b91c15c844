using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Testing;
using YamlDotNet.Core;

namespace NotebookFunctions.Cli.Testing;

/// <summary>
/// Turns the paths given to <c>nbf test</c> into suites: a notebook (with NAME.test.yaml beside it when there is one),
/// a test file (with the notebook it names, NAME.ipynb by default), or a folder searched for notebooks. A notebook
/// named twice is tested once. Anything that does not exist or cannot be read is refused before anything runs.
/// </summary>
public static class TestDiscovery
{
    private static readonly string[] TestFileSuffixes = [".test.yaml", ".test.yml", ".test.json"];

    public static bool IsTestFile(string path) => TestFileSuffixes.Any(s => path.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <exception cref="TestFileException">A path that is not there, or a test file that cannot be used.</exception>
    public static List<TestSuite> Find(IEnumerable<string> paths)
    {
        var suites = new Dictionary<string, TestSuite>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                // Hidden folders (.git, .ipynb_checkpoints) and links are not walked: a link back up would loop.
                var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint, IgnoreInaccessible = true };
                foreach (var notebook in Directory.EnumerateFiles(path, "*.ipynb", options).Where(f => !IsExecutedCopy(f)).Order(StringComparer.Ordinal))
                    Add(suites, ForNotebook(notebook));
                // A test file whose notebook was renamed away, or one that names its notebook, is not left out unseen.
                foreach (var testFile in Directory.EnumerateFiles(path, "*", options).Where(IsTestFile).Order(StringComparer.Ordinal))
                    Add(suites, ReadTestFile(testFile, NotebookBeside(testFile)));
            }
            else if (File.Exists(path) && IsTestFile(path)) Add(suites, ReadTestFile(path, NotebookBeside(path)));
            else if (File.Exists(path) && path.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)) Add(suites, ForNotebook(path));
            else if (File.Exists(path)) throw new TestFileException(path, string.Empty, "not a notebook (.ipynb), a test file (NAME.test.yaml) or a folder");
            else throw new TestFileException(path, string.Empty, "no such file or folder");
        }

        return [.. suites.Values];
    }

    /// <summary>
    /// An executed notebook nbf wrote (a run's chunk or reduce, nbf run -o): it records when it ended. A folder search
    /// leaves those out (they are results, not sources), as it leaves out hidden folders and .ipynb_checkpoints; a
    /// notebook named on its own is always tested.
    /// </summary>
    private static bool IsExecutedCopy(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            return document.RootElement.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty(NotebookFunctions.Core.Execution.ExecutionMetadata.Key, out var record) && record.ValueKind == JsonValueKind.Object
                && record.TryGetProperty("end_time", out _);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            // Not readable as JSON: tested, so that the test run says what is wrong with it.
            return false;
        }
    }

    /// <summary>The notebook's suite: its test file's when it has one, else regression only.</summary>
    /// <exception cref="TestFileException">Not a .ipynb file, or the test file beside it cannot be used, or names another notebook.</exception>
    public static TestSuite ForNotebook(string notebook)
    {
        if (!notebook.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase) || !File.Exists(notebook))
            throw new TestFileException(notebook, string.Empty, "not a notebook file (.ipynb)");
        var stem = notebook[..^".ipynb".Length];
        var testFiles = TestFileSuffixes.Select(s => stem + s).Where(File.Exists).ToList();
        if (testFiles.Count > 1) throw new TestFileException(notebook, string.Empty, $"two test files test it ({string.Join(", ", testFiles.Select(Path.GetFileName))}): keep one");
        if (testFiles.Count == 0) return new TestSuite { NotebookPath = Path.GetFullPath(notebook), DisplayName = Display(notebook) };
        return ReadTestFile(testFiles[0], notebook);
    }

    private static TestSuite ReadTestFile(string path, string notebook)
    {
        JsonNode? node;
        try
        {
            var text = File.ReadAllText(path);
            node = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? JsonNode.Parse(text) : ParameterFile.ParseYaml(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TestFileException(path, string.Empty, $"cannot read it: {e.Message}");
        }
        catch (YamlException e)
        {
            throw new TestFileException(path, string.Empty, $"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new TestFileException(path, string.Empty, $"not valid {(path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "JSON" : "YAML")}: {e.Message}");
        }

        var json = node switch
        {
            JsonObject obj => obj,
            null => new JsonObject(),
            _ => throw new TestFileException(path, string.Empty, "a test file is a mapping with 'cases' (and 'notebook', 'regression', 'lax', 'sanitize')"),
        };
        var suite = TestSuiteReader.Read(json, path, notebook);
        if (!File.Exists(suite.NotebookPath)) throw new TestFileException(path, "notebook", $"the notebook it tests is not there ({suite.NotebookPath})");
        // NAME.test.yaml beside NAME.ipynb tests NAME.ipynb: one naming another notebook would let NAME.ipynb pass untested.
        var beside = NotebookBeside(path);
        if (File.Exists(beside) && suite.NotebookPath != Path.GetFullPath(beside))
            throw new TestFileException(path, "notebook", $"a test file beside {Path.GetFileName(beside)} tests {Path.GetFileName(beside)}; name other notebooks from a test file of another name");
        CheckAgainstNotebook(suite, path);
        return suite with { DisplayName = Display(suite.NotebookPath) };
    }

    /// <summary>The notebook can be read, and the cases fit it (<see cref="TestSuiteReader.CheckAgainst"/>): bad input, exit 2.</summary>
    private static void CheckAgainstNotebook(TestSuite suite, string path)
    {
        Notebook notebook;
        try
        {
            notebook = NotebookReader.Parse(File.ReadAllText(suite.NotebookPath), suite.NotebookPath);
        }
        catch (Exception e) when (e is NotebookFormatException or IOException or UnauthorizedAccessException)
        {
            throw new TestFileException(path, "notebook", e.Message);
        }

        TestSuiteReader.CheckAgainst(suite, notebook, path);
    }

    private static string NotebookBeside(string testFile)
    {
        var suffix = TestFileSuffixes.First(s => testFile.EndsWith(s, StringComparison.OrdinalIgnoreCase));
        return testFile[..^suffix.Length] + ".ipynb";
    }

    /// <summary>One suite per notebook: the same test file twice is one; two test files for one notebook are refused, not one dropped.</summary>
    private static void Add(Dictionary<string, TestSuite> suites, TestSuite suite)
    {
        if (!suites.TryGetValue(suite.NotebookPath, out var known) || known.TestFilePath is null)
        {
            suites[suite.NotebookPath] = suite;
            return;
        }

        if (suite.TestFilePath is not null && suite.TestFilePath != known.TestFilePath)
            throw new TestFileException(suite.TestFilePath, "notebook", $"{Display(suite.NotebookPath)} is tested by {Display(known.TestFilePath)} already: keep its cases in one test file");
    }

    /// <summary>Relative to the current folder when below it, as the user would type it.</summary>
    private static string Display(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.GetFullPath(path));
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : relative;
    }
}
