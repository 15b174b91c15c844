using System.Text.Json.Nodes;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests.Execution;

/// <summary>Outputs recorded as Jupyter frontends and nbclient record them, on a real python3 kernel.</summary>
public sealed class ExecutorOutputTests
{
    [Fact]
    public async Task Streams_are_merged_results_carry_their_count_and_timings_are_recorded()
    {
        var notebook = TestNotebooks.Of(
            "import sys\nfor i in range(3):\n    print(i, flush=True)\nprint('to err', file=sys.stderr, flush=True)\nprint('back')",
            "x = 20\nx + 22");

        var result = await TestExecution.RunAsync(notebook);

        Assert.True(result.Succeeded, result.Failure?.Summary);
        var first = result.Notebook.Cells[0];
        Assert.Equal("0\n1\n2\n", TextLines.Join(first.Outputs[0]!["text"]));
        Assert.Equal("stderr", first.Outputs[1]!["name"]!.GetValue<string>());
        Assert.Equal("back\n", TextLines.Join(first.Outputs[2]!["text"]));
        Assert.Equal(1, first.ExecutionCount);
        var second = result.Notebook.Cells[1];
        var execResult = Assert.Single(TestExecution.OutputsOfType(second, "execute_result"));
        Assert.Equal("42", TextLines.Join(execResult["data"]!["text/plain"]));
        Assert.Equal(2, JsonNumbers.AsInt(execResult["execution_count"]));
        Assert.Equal(2, second.ExecutionCount);
        var timing = second.Metadata["execution"]!.AsObject();
        Assert.Equal(["iopub.execute_input", "iopub.status.busy", "iopub.status.idle", "shell.execute_reply"], timing.Select(p => p.Key).Order());
        Assert.Equal("python", result.Notebook.Metadata["language_info"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rich_displays_are_kept_and_display_ids_are_updated_across_cells()
    {
        var notebook = TestNotebooks.Of(
            "from IPython.display import display, HTML, JSON, Markdown\nh = display(HTML('<b>first</b>'), display_id='d1')\ndisplay(JSON({'k': [1, 2]}))\ndisplay(Markdown('*md*'))",
            "h.update(HTML('<i>second</i>'))\nprint('updated')");

        var result = await TestExecution.RunAsync(notebook);

        Assert.True(result.Succeeded, result.Failure?.Summary);
        var displays = TestExecution.OutputsOfType(result.Notebook.Cells[0], "display_data").ToList();
        Assert.Equal(3, displays.Count);
        Assert.Equal("<i>second</i>", TextLines.Join(displays[0]["data"]!["text/html"]));
        Assert.Equal("""{"k":[1,2]}""", displays[1]["data"]!["application/json"]!.ToJsonString());
        Assert.Equal("*md*", TextLines.Join(displays[2]["data"]!["text/markdown"]));
        // update_display_data adds nothing where it is called.
        Assert.Empty(TestExecution.OutputsOfType(result.Notebook.Cells[1], "display_data"));
    }

    [Fact]
    public async Task Clear_output_with_wait_clears_when_the_next_output_arrives()
    {
        var notebook = TestNotebooks.Of(
            "from IPython.display import clear_output\nprint('a')\nclear_output(wait=True)\nprint('b')",
            "from IPython.display import clear_output\nprint('gone')\nclear_output()",
            "from IPython.display import clear_output\nprint('kept')\nclear_output(wait=True)");

        var result = await TestExecution.RunAsync(notebook);

        Assert.Equal("b\n", TestExecution.StreamText(result.Notebook.Cells[0]));
        Assert.Empty(result.Notebook.Cells[1].Outputs);
        Assert.Equal("kept\n", TestExecution.StreamText(result.Notebook.Cells[2]));
    }

    [Fact]
    public async Task Unicode_in_source_and_output_round_trips()
    {
        var notebook = TestNotebooks.Of("# ünïcödé ☕\ns = 'Grüße 😀 日本語'\nprint(s)\ns");

        var result = await TestExecution.RunAsync(notebook);
        var again = NotebookReader.Parse(result.Notebook.ToText(), "again");

        Assert.Equal("Grüße 😀 日本語\n", TestExecution.StreamText(again.Cells[0]));
        Assert.Equal("'Grüße 😀 日本語'", TextLines.Join(TestExecution.OutputsOfType(again.Cells[0], "execute_result").Single()["data"]!["text/plain"]));
        Assert.StartsWith("# ünïcödé ☕", again.Cells[0].Source);
    }

    [Fact]
    public async Task Stale_outputs_are_cleared_and_skipped_and_empty_cells_are_not_run()
    {
        var stale = Cell.NewCode("print('fresh')", "a");
        stale.Outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "old\n" });
        stale.ExecutionCount = 99;
        var skipped = Cell.NewCode("raise RuntimeError('must not run')", "b", NotebookExecutor.SkipTag);
        skipped.Outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "stale\n" });
        var notebook = TestNotebooks.WithCells(stale, skipped, Cell.NewCode("   \n", "c"), Cell.NewCode("print('after')", "d"));

        var result = await TestExecution.RunAsync(notebook);

        Assert.True(result.Succeeded, result.Failure?.Summary);
        Assert.Equal("fresh\n", TestExecution.StreamText(result.Notebook.Cells[0]));
        Assert.Equal(1, result.Notebook.Cells[0].ExecutionCount);
        Assert.Empty(result.Notebook.Cells[1].Outputs);
        Assert.Null(result.Notebook.Cells[1].ExecutionCount);
        Assert.Equal(2, result.Notebook.Cells[3].ExecutionCount);
        // The caller's notebook is untouched.
        Assert.Equal(99, notebook.Cells[0].ExecutionCount);
    }

    [Fact]
    public async Task The_kernel_runs_in_the_working_directory_asked_for()
    {
        var dir = Directory.CreateTempSubdirectory("nbf-cwd-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "data.txt"), "from the folder");

        var result = await TestExecution.RunAsync(
            TestNotebooks.Of("import os\nprint(os.getcwd())\nprint(open('data.txt').read())"),
            new ExecutionOptions { WorkingDirectory = dir });

        Assert.Equal($"{dir}\nfrom the folder\n", TestExecution.StreamText(result.Notebook.Cells[0]));
    }

    [Fact]
    public async Task The_output_notebook_passes_nbformat_validation_in_Python()
    {
        var notebook = TestNotebooks.Of("from IPython.display import display, HTML\ndisplay(HTML('<p>x</p>'))\nprint('y')\n3", "1/0");
        var result = await TestExecution.RunAsync(notebook, new ExecutionOptions { AllowErrors = true });
        var path = Path.Combine(Directory.CreateTempSubdirectory("nbf-valid-").FullName, "out.ipynb");
        await NotebookWriter.WriteAtomicallyAsync(result.Notebook, path);

        var (exit, output) = await PythonProcess.RunAsync($"import nbformat; nbformat.validate(nbformat.read('{path}', as_version=4)); print('valid')");

        Assert.True(exit == 0, output);
        Assert.Contains("valid", output);
    }
}
