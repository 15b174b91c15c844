using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests.Execution;

/// <summary>The same notebook run by nbclient (Debian's python3-nbclient) and by us gives the same outputs, cell by cell.</summary>
public sealed partial class NbclientParityTests
{
    [GeneratedRegex("0x[0-9a-f]+")]
    private static partial Regex Address();

    [GeneratedRegex(@"ipykernel_\d+/\d+\.py")]
    private static partial Regex KernelTempFile();

    [Fact]
    public async Task Outputs_equal_nbclients_ignoring_timings_and_memory_addresses()
    {
        var notebook = TestNotebooks.Of(
            "import sys\nprint('out 1')\nprint('err', file=sys.stderr)\nprint('out 2')\n40 + 2",
            "import pandas as pd\ndf = pd.DataFrame({'region': ['w', 'e', 'w'], 'sales': [1.5, 2.0, 3.25]})\ndf.groupby('region').sum()",
            "from IPython.display import display, HTML, JSON, Markdown, clear_output\nh = display(HTML('<b>1</b>'), display_id='x')\ndisplay(JSON({'a': [1, None]}), Markdown('**m**'))\nprint('progress 1')\nclear_output(wait=True)\nprint('progress 2')",
            "h.update(HTML('<b>2</b>'))",
            "class Thing: pass\nThing()",
            "print('ünï 😀')\n'tab\\there'",
            "def fail():\n    raise KeyError('missing')\nfail()",
            "print('after the error')\nNone",
            "%%time\nsum(range(10))");
        var dir = Directory.CreateTempSubdirectory("nbf-parity-").FullName;
        var input = Path.Combine(dir, "input.ipynb");
        var nbclientOutput = Path.Combine(dir, "nbclient.ipynb");
        await File.WriteAllTextAsync(input, notebook.ToText());

        var (exit, log) = await PythonProcess.RunAsync(
            "import nbformat, nbclient\n" +
            $"nb = nbformat.read('{input}', as_version=4)\n" +
            $"nbclient.NotebookClient(nb, kernel_name='python3', allow_errors=True, timeout=120, resources={{'metadata': {{'path': '{dir}'}}}}).execute()\n" +
            $"nbformat.write(nb, '{nbclientOutput}')\n");
        Assert.True(exit == 0, log);

        var ours = await TestExecution.RunAsync(notebook, new ExecutionOptions { AllowErrors = true, WorkingDirectory = dir });
        var theirs = NotebookReader.Read(nbclientOutput);

        Assert.Equal(theirs.Cells.Count, ours.Notebook.Cells.Count);
        Assert.True(ours.Notebook.Cells.Sum(c => c.Outputs.Count) >= 12, "the comparison needs outputs to compare");
        for (var i = 0; i < theirs.Cells.Count; i++)
        {
            Assert.Equal(theirs.Cells[i].ExecutionCount, ours.Notebook.Cells[i].ExecutionCount);
            var expected = Normalize(theirs.Cells[i]);
            var actual = Normalize(ours.Notebook.Cells[i]);
            Assert.True(expected == actual, $"cell {i} differs:\nnbclient: {expected}\nnbf:      {actual}");
        }
    }

    /// <summary>Coalesces adjacent same-name streams (frontends show them merged), joins line lists, masks addresses and the %%time figures.</summary>
    private static string Normalize(Cell cell)
    {
        var outputs = new JsonArray();
        foreach (var node in cell.Outputs)
        {
            var output = (JsonObject)node!.DeepClone();
            if (output["text"] is { } streamText) output["text"] = TextLines.Join(streamText);
            if (output["data"] is JsonObject data)
            {
                foreach (var key in data.Select(p => p.Key).ToList())
                {
                    if (!NbformatShape.IsJsonMime(key)) data[key] = TextLines.Join(data[key]);
                }
            }

            if (outputs.Count > 0 && outputs[^1] is JsonObject last && last["output_type"]?.GetValue<string>() == "stream"
                && output["output_type"]?.GetValue<string>() == "stream" && last["name"]?.GetValue<string>() == output["name"]?.GetValue<string>())
            {
                last["text"] = last["text"]!.GetValue<string>() + output["text"]!.GetValue<string>();
                continue;
            }

            outputs.Add(output);
        }

        var text = CanonicalJsonWriter.Write(outputs);
        text = Address().Replace(text, "0x…");
        text = KernelTempFile().Replace(text, "ipykernel_…");
        return Regex.Replace(text, @"(CPU times|Wall time)[^\\""]*", "$1 …");
    }
}
