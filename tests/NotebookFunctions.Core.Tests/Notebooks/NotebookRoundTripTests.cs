using System.Text;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests.Notebooks;

public sealed class NotebookRoundTripTests
{
    [Fact]
    public void A_notebook_saved_by_Jupyter_is_written_back_byte_for_byte()
    {
        var path = Fixtures.PathOf("jupyter_saved.ipynb");
        var original = File.ReadAllText(path, Encoding.UTF8);

        var written = NotebookReader.Read(path).ToText();

        Assert.Equal(original, written);
    }

    [Fact]
    public void A_notebook_in_another_layout_keeps_its_content_string_sources_and_unknown_keys()
    {
        var path = Fixtures.PathOf("compact_v44.ipynb");
        var original = JsonNode.Parse(File.ReadAllText(path));

        var notebook = NotebookReader.Read(path);
        var written = JsonNode.Parse(notebook.ToText());

        Assert.True(JsonNode.DeepEquals(original, written), written!.ToJsonString());
        Assert.Equal("x = 1\ny = 2", written!["cells"]![0]!["source"]!.GetValue<string>());
        Assert.Equal("x = 1\ny = 2", notebook.Cells[0].Source);
        Assert.Equal("a\nb", notebook.Cells[2].Source);
    }

    [Fact]
    public void Attachments_raw_cells_outputs_and_unicode_survive_a_round_trip()
    {
        var notebook = NotebookReader.Read(Fixtures.PathOf("jupyter_saved.ipynb"));
        var again = NotebookReader.Parse(notebook.ToText(), "again");

        Assert.Equal("Café ☕ 😀", again.Cells[0].Source.Split('\n')[^1]);
        Assert.NotNull(again.Cells[0].Json["attachments"]!["a.png"]);
        Assert.Equal("raw", again.Cells[3].CellType);
        Assert.Equal("text/latex", again.Cells[3].Metadata["raw_mimetype"]!.GetValue<string>());
        Assert.Equal(4, again.Cells[2].Outputs.Count);
        Assert.Equal("✓", again.Metadata["custom_tool"]!["ünïcode"]!.GetValue<string>());
    }

    [Fact]
    public void Nbformat_3_is_refused_with_a_way_to_convert_it()
    {
        var e = Assert.Throws<NotebookFormatException>(() => NotebookReader.Read(Fixtures.PathOf("v3.ipynb")));

        Assert.Contains("nbformat 3 is not supported", e.Message);
        Assert.Contains("jupyter nbconvert --to notebook --nbformat 4", e.Message);
        Assert.Contains("v3.ipynb", e.Message);
    }

    [Fact]
    public void Broken_JSON_is_reported_with_its_line_not_a_crash()
    {
        var e = Assert.Throws<NotebookFormatException>(() => NotebookReader.Read(Fixtures.PathOf("broken.ipynb")));

        Assert.Contains("not valid JSON at line", e.Message);
        Assert.Contains("broken.ipynb", e.Message);
    }

    [Fact]
    public void A_bad_field_is_reported_with_the_cell_index_id_and_field()
    {
        var e = Assert.Throws<NotebookFormatException>(() => NotebookReader.Read(Fixtures.PathOf("invalid_cell.ipynb")));

        var problem = Assert.Single(e.Problems, p => p.Field == "execution_count");
        Assert.Equal(1, problem.CellIndex);
        Assert.Equal("bad-2", problem.CellId);
        Assert.Equal("execution_count", problem.Field);
        Assert.Contains("cell 1 (id 'bad-2'), field 'execution_count'", e.Message);
    }

    [Theory]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"code\", \"metadata\": {}, \"source\": 5, \"outputs\": [], \"execution_count\": null}]}", "field 'source'")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"widget\", \"metadata\": {}, \"source\": \"\"}]}", "field 'cell_type'")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"id\": \"a\", \"cell_type\": \"raw\", \"metadata\": {}, \"source\": \"\"}, {\"id\": \"a\", \"cell_type\": \"raw\", \"metadata\": {}, \"source\": \"\"}]}", "duplicate cell id")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"code\", \"metadata\": {}, \"source\": \"\", \"execution_count\": null}]}", "needs an 'outputs' list")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"code\", \"metadata\": {}, \"source\": \"\", \"execution_count\": null, \"outputs\": [{\"output_type\": \"stream\"}]}]}", "field 'outputs[0]'")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{\"cells\": []}", "not a Jupyter notebook")]
    [InlineData("{\"nbformat\": 5, \"nbformat_minor\": 0, \"metadata\": {}, \"cells\": []}", "newer than this tool supports")]
    public void Invalid_notebooks_get_a_clear_error(string json, string expected)
    {
        var e = Assert.Throws<NotebookFormatException>(() => NotebookReader.Parse(json, "x.ipynb"));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(-0.0001, "-0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(2.5e300, "2.5e+300")]
    public void Floats_are_written_as_Python_writes_them(double value, string expected) =>
        Assert.Equal(expected, PythonFloat.Repr(value));

    [Fact]
    public void Strings_are_escaped_as_Python_json_does_with_ensure_ascii_off()
    {
        var text = CanonicalJsonWriter.Write(JsonValue.Create("a\"b\\c\n\t\u0001é😀/<>\u007f"));
        Assert.Equal("\"a\\\"b\\\\c\\n\\t\\u0001é😀/<>\u007f\"", text);
    }

    [Fact]
    public void Source_is_split_into_lines_as_Python_splitlines_keeps_them()
    {
        var lines = TextLines.Split("a\nb\r\nc\rd").Select(n => n!.GetValue<string>()).ToArray();
        Assert.Equal(["a\n", "b\r\n", "c\r", "d"], lines);
        Assert.Empty(TextLines.Split(string.Empty));
    }
}
