using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// Tests a notebook carries in <c>metadata.notebook_functions.tests</c>, for a backend to run before it publishes the
/// notebook (PUT /api/notebooks/{name}?requireTests=true): the shape of a NAME.test.yaml, except that a case's
/// <c>input</c> names a blob in the backend's storage ("container/path/to/sample.csv"), since the backend has no files
/// of the publisher's, and there is no <c>notebook</c> or <c>sanitize</c> file to name.
/// </summary>
public static class CarriedTests
{
    public const string MetadataPath = "metadata.notebook_functions.tests";

    /// <summary>The carried tests as JSON, or null when the notebook carries none.</summary>
    /// <exception cref="TestFileException">The member is there but is not a mapping.</exception>
    public static JsonObject? Of(Notebook notebook, string name) =>
        notebook.Metadata["notebook_functions"] is JsonObject own && own["tests"] is { } tests
            ? tests as JsonObject ?? throw new TestFileException(name, MetadataPath, "must be a mapping with 'cases' (and 'regression', 'lax'), as in a NAME.test.yaml")
            : null;

    /// <summary>Each case's input as (field, container, blob); a name that is not container/blob is refused naming its field.</summary>
    /// <exception cref="TestFileException">An input that does not name a blob.</exception>
    public static List<(string Field, string Container, string Blob)> Inputs(JsonObject tests, string name)
    {
        var inputs = new List<(string, string, string)>();
        if (tests["cases"] is not JsonArray cases) return inputs;
        for (var i = 0; i < cases.Count; i++)
        {
            if (cases[i] is not JsonObject item || item["input"] is not JsonValue value || !value.TryGetValue<string>(out var text)) continue;
            var field = $"{MetadataPath}.cases[{i}].input";
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == text.Length - 1 || text.Split('/').Any(s => s is "" or "." or ".."))
                throw new TestFileException(name, field, $"'{text}' does not name a blob: give container/path/to/sample in the backend's storage");
            inputs.Add((field, text[..slash], text[(slash + 1)..]));
        }

        return inputs;
    }

    /// <summary>
    /// The checks that need no download and no kernel: the tests' shape, and each case against the notebook's schema
    /// (<see cref="TestSuiteReader.CheckAgainst"/>), fields named under <see cref="MetadataPath"/>.
    /// </summary>
    /// <exception cref="TestFileException">Anything that cannot be used.</exception>
    public static void Check(JsonObject tests, string name, Notebook notebook)
    {
        var inputs = Inputs(tests, name).Select(i => $"{i.Container}/{i.Blob}").Distinct(StringComparer.Ordinal).ToDictionary(i => i, i => i, StringComparer.Ordinal);
        var suite = Read(tests, name, name + ".ipynb", inputs);
        try
        {
            TestSuiteReader.CheckAgainst(suite, notebook, name);
        }
        catch (TestFileException e)
        {
            throw new TestFileException(name, $"{MetadataPath}.{e.Field}", e.Problem);
        }
    }

    /// <summary>The suite, each case's input read from <paramref name="downloaded"/> (blob name as written → local file).</summary>
    /// <exception cref="TestFileException">Anything in the tests that cannot be used, named under <see cref="MetadataPath"/>.</exception>
    public static TestSuite Read(JsonObject tests, string name, string notebookPath, IReadOnlyDictionary<string, string> downloaded)
    {
        try
        {
            return TestSuiteReader.Read(tests, notebookPath, notebookPath, (given, _) => downloaded[given], carried: true) with { DisplayName = name, TestFilePath = null };
        }
        catch (TestFileException e)
        {
            throw new TestFileException(name, e.Field.Length == 0 ? MetadataPath : $"{MetadataPath}.{e.Field}", e.Problem);
        }
    }
}
