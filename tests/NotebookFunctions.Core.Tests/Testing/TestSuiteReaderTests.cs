using System.Text.Json.Nodes;
using NotebookFunctions.Core.Testing;

namespace NotebookFunctions.Core.Tests.Testing;

/// <summary>A test file is checked whole before anything runs: each refusal names the file, the field and what is wrong.</summary>
public sealed class TestSuiteReaderTests
{
    [Theory]
    [InlineData("""{"casess": []}""", "casess", "did you mean 'cases'?")]
    [InlineData("""{"cases": [{"name": "a", "expect": {"scrap": {}}}]}""", "cases[0].expect.scrap", "did you mean 'scraps'?")]
    [InlineData("""{"cases": [{"name": "a"}, {"name": "a"}]}""", "cases", "two cases are named 'a'")]
    [InlineData("""{"cases": [{"name": "a", "input": "nowhere.csv"}]}""", "cases[0].input", "'nowhere.csv' does not exist")]
    [InlineData("""{"cases": [{"name": "a", "parameters": {"input_path": "x"}}]}""", "cases[0].parameters.input_path", "is set by the run")]
    [InlineData("""{"cases": [{"name": "a", "expect": {"maxSeconds": -1}}]}""", "cases[0].expect.maxSeconds", "out of range")]
    [InlineData("""{"cases": [{"name": "a", "expect": {"scraps": {"x": {"approx": 1, "matches": "a"}}}}]}""", "cases[0].expect.scraps.x", "give one of")]
    [InlineData("""{"cases": [{"name": "a", "expect": {"scraps": {"x": {"matches": "("}}}}]}""", "cases[0].expect.scraps.x.matches", "not a regular expression")]
    [InlineData("""{"cases": [{"name": "a", "expect": {"files": {"../x.csv": {}}}}]}""", "cases[0].expect.files.../x.csv", "without '..'")]
    [InlineData("""{"cases": [{"name": "a", "expect": {"files": {"x.bin": {"columns": ["a"]}}}}]}""", "cases[0].expect.files.x.bin.columns", "checked in .csv and .tsv")]
    [InlineData("""{"cases": [{"name": "a", "expect": {"error": "not a name!"}}]}""", "cases[0].expect.error", "not an exception's class name")]
    [InlineData("""{"cases": [{"name": "a", "fanout": 4}]}""", "cases[0].input", "needs a sample 'input'")]
    [InlineData("""{"cases": [{"name": "a", "fanout": 1000}]}""", "cases[0].fanout", "out of range")]
    [InlineData("""{"regression": "yes"}""", "regression", "true or false")]
    [InlineData("""{"cases": [{"name": "a", "input": "/etc/hostname"}]}""", "cases[0].input", "must be inside")]
    [InlineData("""{"cases": [{"name": "a", "input": ".."}]}""", "cases[0].input", "must be inside")]
    [InlineData("""{"cases": [{"name": "a", "secrets": ["A=B"]}]}""", "cases[0].secrets[0]", "secret name 'A=B'")]
    public void A_file_that_cannot_be_used_is_refused_naming_the_field(string json, string field, string says)
    {
        var folder = Directory.CreateTempSubdirectory("nbf-suite-reader-").FullName;
        try
        {
            var e = Assert.Throws<TestFileException>(() => TestSuiteReader.Read(JsonNode.Parse(json)!.AsObject(), Path.Combine(folder, "nb.test.yaml"), Path.Combine(folder, "nb.ipynb")));
            Assert.Equal(field, e.Field);
            Assert.Contains(says, e.Message, StringComparison.Ordinal);
            Assert.StartsWith(Path.Combine(folder, "nb.test.yaml"), e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
