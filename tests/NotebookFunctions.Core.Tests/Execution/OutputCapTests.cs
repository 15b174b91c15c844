using System.Text;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests.Execution;

/// <summary>A cell that prints far too much is truncated with a visible note; the run goes on.</summary>
public sealed class OutputCapTests
{
    [Fact]
    public async Task A_100_MB_print_is_capped_with_a_note_and_the_next_cell_still_runs()
    {
        var result = await TestExecution.RunAsync(
            TestNotebooks.Of("print('x' * 100_000_000)", "print('next')"),
            new ExecutionOptions { MaxCellOutputBytes = 1024 * 1024 });

        Assert.True(result.Succeeded, result.Failure?.Summary);
        var cell = result.Notebook.Cells[0];
        var stdout = TestExecution.StreamText(cell);
        Assert.Equal(1024 * 1024, stdout.Length);
        Assert.True(stdout.All(c => c == 'x'));
        Assert.Contains("[nbf: output truncated: ", TestExecution.StreamText(cell, "stderr"));
        Assert.Contains("this cell's limit of 1 MiB", TestExecution.StreamText(cell, "stderr"));
        Assert.True(result.Cells[0].OutputBytesDropped > 98_000_000, $"dropped {result.Cells[0].OutputBytesDropped}");
        Assert.Equal("next\n", TestExecution.StreamText(result.Notebook.Cells[1]));
        Assert.True(Encoding.UTF8.GetByteCount(result.Notebook.ToText()) < 3 * 1024 * 1024);
    }

    [Fact]
    public async Task Many_small_prints_and_displays_stop_at_the_cap_without_splitting_a_character()
    {
        var result = await TestExecution.RunAsync(
            TestNotebooks.Of(
                "for i in range(20000):\n    print('é' * 50)",
                "from IPython.display import display, HTML\nfor i in range(50):\n    display(HTML('<p>' + 'y' * 10000 + '</p>'))"),
            new ExecutionOptions { MaxCellOutputBytes = 100_000, MaxNotebookOutputBytes = 1_000_000 });

        var text = TestExecution.StreamText(result.Notebook.Cells[0]);
        Assert.InRange(Encoding.UTF8.GetByteCount(text), 90_000, 100_000);
        Assert.DoesNotContain('\uFFFD', text);
        Assert.InRange(TestExecution.OutputsOfType(result.Notebook.Cells[1], "display_data").Count(), 5, 10);
        Assert.Contains("output truncated", TestExecution.StreamText(result.Notebook.Cells[1], "stderr"));
    }

    [Fact]
    public void A_truncated_stream_is_decoded_without_cutting_escapes_or_surrogates()
    {
        var json = Encoding.UTF8.GetBytes("{\"name\": \"stdout\", \"text\": \"ab\\n\\u00e9\\ud83d\\ude00cd\"}");

        Assert.Equal(("stdout", "ab\n"), Trim(StreamContentReader.Read(json, 5)));
        Assert.Equal(("stdout", "ab\né"), Trim(StreamContentReader.Read(json, 11)));
        Assert.Equal(("stdout", "ab\né"), Trim(StreamContentReader.Read(json, 20)));
        Assert.Equal(("stdout", "ab\né😀"), Trim(StreamContentReader.Read(json, 22)));

        static (string, string) Trim((string Name, string Text, long Total) r) => (r.Name, r.Text);
    }
}
