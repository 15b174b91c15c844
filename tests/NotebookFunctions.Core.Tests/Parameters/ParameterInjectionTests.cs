using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;

namespace NotebookFunctions.Core.Tests.Parameters;

/// <summary>Where papermill's parameterize_notebook puts the injected cell, and what it holds.</summary>
public sealed class ParameterInjectionTests
{
    private static readonly PythonTranslator Python = new();

    [Fact]
    public void The_injected_cell_goes_right_after_the_parameters_cell()
    {
        var notebook = TestNotebooks.WithCells(Cell.NewCode("import os", "a"), Cell.NewCode("x = 1", "p", "parameters"), Cell.NewCode("print(x)", "b"));

        var index = ParameterInjector.Inject(notebook, new JsonObject { ["x"] = 2, ["s"] = "a\"b" }, Python);

        Assert.Equal(2, index);
        Assert.Equal(["a", "p", notebook.Cells[2].Id, "b"], notebook.Cells.Select(c => c.Id));
        var injected = notebook.Cells[2];
        Assert.Equal("# Parameters\nx = 2\ns = \"a\\\"b\"\n", injected.Source);
        Assert.Equal(["injected-parameters"], injected.Tags);
        Assert.True(injected.IsCode);
        Assert.Null(injected.ExecutionCount);
        Assert.Empty(injected.Outputs);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["x"] = 2, ["s"] = "a\"b" }, notebook.Metadata["papermill"]!["parameters"]));
    }

    [Fact]
    public void Without_a_parameters_cell_the_injected_cell_goes_on_top()
    {
        var notebook = TestNotebooks.Of("print(1)", "print(2)");

        Assert.Equal(0, ParameterInjector.Inject(notebook, new JsonObject { ["x"] = 1 }, Python));
        Assert.True(notebook.Cells[0].HasTag("injected-parameters"));
        Assert.Equal(3, notebook.Cells.Count);
    }

    [Fact]
    public void An_earlier_injected_cell_is_replaced_in_place_not_stacked()
    {
        var notebook = TestNotebooks.WithCells(Cell.NewCode("x = 1", "p", "parameters"), Cell.NewCode("print(x)", "b"));
        ParameterInjector.Inject(notebook, new JsonObject { ["x"] = 2 }, Python);
        // Move the old injected cell: papermill replaces it where it stands.
        var old = notebook.Cells[1];
        notebook.Cells.RemoveAt(1);
        notebook.Cells.Add(old);

        var index = ParameterInjector.Inject(notebook, new JsonObject { ["x"] = 3 }, Python);

        Assert.Equal(2, index);
        Assert.Single(notebook.Cells, c => c.HasTag("injected-parameters"));
        Assert.Equal("# Parameters\nx = 3\n", notebook.Cells[2].Source);
    }

    [Fact]
    public void The_injected_notebook_is_valid_nbformat_after_a_write_and_read()
    {
        var notebook = TestNotebooks.WithCells(Cell.NewCode("x = 1", "p", "parameters"));
        ParameterInjector.Inject(notebook, new JsonObject { ["x"] = 2 }, Python);

        var again = NotebookReader.Parse(notebook.ToText(), "again");

        Assert.Equal(["# Parameters\n", "x = 2\n"], again.Cells[1].Json["source"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Matches("^[0-9a-f]{8}$", again.Cells[1].Id!);
    }
}
