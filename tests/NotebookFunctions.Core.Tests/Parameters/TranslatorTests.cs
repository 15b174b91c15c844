using System.Text.Json.Nodes;
using NotebookFunctions.Core.Parameters;

namespace NotebookFunctions.Core.Tests.Parameters;

/// <summary>Expected strings are papermill's own test vectors (papermill/tests/test_translators.py), so injected cells match papermill's.</summary>
public sealed class TranslatorTests
{
    private static readonly PythonTranslator Python = new();
    private static readonly CSharpTranslator CSharp = new();

    [Theory]
    [InlineData("\"foo\"", "\"foo\"")]
    [InlineData("\"{\\\"foo\\\": \\\"bar\\\"}\"", "\"{\\\"foo\\\": \\\"bar\\\"}\"")]
    [InlineData("{\"foo\": \"bar\"}", "{\"foo\": \"bar\"}")]
    [InlineData("{\"foo\": \"\\\"bar\\\"\"}", "{\"foo\": \"\\\"bar\\\"\"}")]
    [InlineData("{\"foo\": [\"bar\"]}", "{\"foo\": [\"bar\"]}")]
    [InlineData("{\"foo\": {\"bar\": \"baz\"}}", "{\"foo\": {\"bar\": \"baz\"}}")]
    [InlineData("[\"foo\", \"\\\"bar\\\"\"]", "[\"foo\", \"\\\"bar\\\"\"]")]
    [InlineData("[{\"foo\": \"bar\"}]", "[{\"foo\": \"bar\"}]")]
    [InlineData("12345", "12345")]
    [InlineData("-54321", "-54321")]
    [InlineData("1.2345", "1.2345")]
    [InlineData("-5432.1", "-5432.1")]
    [InlineData("true", "True")]
    [InlineData("false", "False")]
    [InlineData("null", "None")]
    [InlineData("2.0", "2.0")]
    [InlineData("\"tab\\there\\nline \\\\ back\"", "\"tab\\there\\nline \\\\ back\"")]
    [InlineData("\"café ☕ 😀\"", "\"caf\\xe9 \\u2615 \\U0001f600\"")]
    [InlineData("\"2024-01-31\"", "\"2024-01-31\"")]
    public void Python_values_are_written_as_papermill_writes_them(string json, string expected) =>
        Assert.Equal(expected, Python.Translate(JsonNode.Parse(json)));

    [Theory]
    [InlineData("{\"foo\": \"bar\"}", "# Parameters\nfoo = \"bar\"\n")]
    [InlineData("{\"foo\": true}", "# Parameters\nfoo = True\n")]
    [InlineData("{\"foo\": 5}", "# Parameters\nfoo = 5\n")]
    [InlineData("{\"foo\": 1.1}", "# Parameters\nfoo = 1.1\n")]
    [InlineData("{\"foo\": [\"bar\", \"baz\"]}", "# Parameters\nfoo = [\"bar\", \"baz\"]\n")]
    [InlineData("{\"foo\": {\"bar\": \"baz\"}}", "# Parameters\nfoo = {\"bar\": \"baz\"}\n")]
    [InlineData("{\"foo\": \"bar\", \"baz\": [\"buz\"]}", "# Parameters\nfoo = \"bar\"\nbaz = [\"buz\"]\n")]
    public void A_Python_injected_cell_matches_papermills_codify(string parameters, string expected) =>
        Assert.Equal(expected, ((IParameterTranslator)Python).Codify(JsonNode.Parse(parameters)!.AsObject()));

    [Theory]
    [InlineData("\"foo\"", "\"foo\"")]
    [InlineData("\"say \\\"hi\\\"\\n\"", "\"say \\\"hi\\\"\\n\"")]
    [InlineData("12345", "12345")]
    [InlineData("3000000000", "3000000000L")]
    [InlineData("1.5", "1.5")]
    [InlineData("true", "true")]
    [InlineData("null", "(object?)null")]
    [InlineData("[1, 2]", "new[] { 1, 2 }")]
    [InlineData("[1, \"a\"]", "new object?[] { 1, \"a\" }")]
    [InlineData("{\"a\": 1}", "new Dictionary<string, object?> { { \"a\", 1 } }")]
    public void CSharp_values_are_valid_CSharp_literals(string json, string expected) =>
        Assert.Equal(expected, CSharp.Translate(JsonNode.Parse(json)));

    [Fact]
    public void A_CSharp_injected_cell_uses_var_declarations_and_line_comments() =>
        Assert.Equal("// Parameters\nvar n = 3;\nvar s = \"x\";\n", ((IParameterTranslator)CSharp).Codify(new JsonObject { ["n"] = 3, ["s"] = "x" }));

    [Theory]
    [InlineData("python3", null, "python")]
    [InlineData(".net-csharp", null, "C#")]
    [InlineData("mykernel", "python", "python")]
    [InlineData("other", "C#", "C#")]
    public void Translators_are_found_by_kernel_name_then_language(string kernel, string? language, string expected) =>
        Assert.Equal(expected, Translators.For(kernel, language).Language);

    [Fact]
    public void An_unsupported_language_is_a_clear_error()
    {
        var e = Assert.Throws<ParameterException>(() => Translators.For("ir", "R"));
        Assert.Contains("no parameter translator for kernel 'ir'", e.Message);
    }
}
