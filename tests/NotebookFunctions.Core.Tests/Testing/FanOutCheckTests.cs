using System.Text.Json.Nodes;
using NotebookFunctions.Core.Testing;
using NotebookFunctions.Tests.Shared;

namespace NotebookFunctions.Core.Tests.Testing;

/// <summary>Fan-out equivalence: the notebook over its sample cut as production cuts it, against one run over the whole sample.</summary>
public sealed class FanOutCheckTests
{
    private static readonly double[] Values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100];

    [Fact]
    public async Task A_mean_computed_per_chunk_is_not_safe_to_fan_out_and_the_check_says_which_file_and_rows_differ()
    {
        using var folder = new NotebookTestFolder();
        folder.Write("mean.ipynb", TestNotebooks.Text(
            "input_path = 'x.csv'\noutput_dir = 'out'",
            "import os\nimport pandas as pd\nrows = pd.read_csv(input_path)\npd.DataFrame({'mean': [rows['value'].mean()]}).to_csv(os.path.join(output_dir, 'mean.csv'), index=False)"));
        folder.Csv("sample.csv", Values);
        var suite = folder.Suite("mean.ipynb", JsonNode.Parse("""{"cases": [{"name": "fan-out", "input": "sample.csv", "fanout": 3}]}""")!.AsObject());

        var result = Assert.Single(await NotebookTestFolder.RunAsync(suite));

        Assert.Equal(TestKind.FanOut, result.Kind);
        Assert.Equal(TestOutcome.Failed, result.Outcome);
        Assert.StartsWith("not safe to fan out as written: over 3 chunks its merged results differ from one run over the whole sample", result.Failures[0].Message, StringComparison.Ordinal);
        Assert.Equal("'mean.csv' has 3 row(s) over 3 chunks, 1 over the whole sample", result.Failures[1].Message);
        Assert.Contains("14.5", result.Failures[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_by_row_map_and_a_weighted_reduce_are_safe_to_fan_out()
    {
        using var folder = new NotebookTestFolder();
        // The map filters rows and glues per-chunk sums and counts; its reduce weighs them into the one true mean.
        folder.Write("filter.ipynb", TestNotebooks.Text(
            "input_path = 'x.csv'\noutput_dir = 'out'\nthreshold = 2",
            "import os\nimport pandas as pd\nfrom IPython.display import display\nrows = pd.read_csv(input_path)\nkept = rows[rows['value'] > threshold]\nkept.to_csv(os.path.join(output_dir, 'kept.csv'), index=False)\n"
                + "display({'application/scrapbook.scrap.json+json': {'name': 'sum', 'data': float(kept['value'].sum()), 'encoder': 'json', 'version': 1}}, raw=True)\n"
                + "display({'application/scrapbook.scrap.json+json': {'name': 'count', 'data': int(len(kept)), 'encoder': 'json', 'version': 1}}, raw=True)"));
        var notebook = Core.Notebooks.NotebookReader.Parse(File.ReadAllText(Path.Combine(folder.Path, "filter.ipynb")), "filter.ipynb");
        notebook.Metadata["notebook_functions"] = new JsonObject { ["reduce"] = "weighted_mean.ipynb" };
        folder.Write("filter.ipynb", notebook.ToText());
        folder.Write("weighted_mean.ipynb", TestNotebooks.Text(
            "input_path = 'results'\noutput_dir = 'out'\nchunk_count = 1\nfailed_chunks = []",
            "import json, os\nfrom IPython.display import display\nchunks = json.load(open(os.path.join(input_path, 'scraps.json')))\n"
                + "mean = sum(c['scraps']['sum'] for c in chunks) / sum(c['scraps']['count'] for c in chunks)\n"
                + "open(os.path.join(output_dir, 'mean.json'), 'w').write(json.dumps({'mean': mean, 'rows': sum(1 for _ in open(os.path.join(input_path, 'kept.csv'))) - 1}))\n"
                + "display({'application/scrapbook.scrap.json+json': {'name': 'mean', 'data': mean, 'encoder': 'json', 'version': 1}}, raw=True)"));
        folder.Csv("sample.csv", Values);
        var suite = folder.Suite("filter.ipynb", JsonNode.Parse("""{"cases": [{"name": "fan-out", "input": "sample.csv", "fanout": {"chunks": 4, "tolerance": 1e-12}}]}""")!.AsObject());

        var result = Assert.Single(await NotebookTestFolder.RunAsync(suite));

        Assert.True(result.Outcome == TestOutcome.Passed, string.Join("\n", result.Failures.Select(f => f.Summary + "\n" + f.Detail)));
    }

    [Fact]
    public async Task A_sample_too_small_to_cut_is_an_error_not_a_pass()
    {
        using var folder = new NotebookTestFolder();
        folder.Write("one.ipynb", TestNotebooks.Text("input_path = 'x.csv'\noutput_dir = 'out'", "print(open(input_path).read())"));
        folder.Csv("sample.csv", 1);
        var suite = folder.Suite("one.ipynb", JsonNode.Parse("""{"cases": [{"name": "fan-out", "input": "sample.csv", "fanout": 2}]}""")!.AsObject());

        var result = Assert.Single(await NotebookTestFolder.RunAsync(suite));

        Assert.Equal(TestOutcome.Error, result.Outcome);
        Assert.Contains("too small to cut into 2 chunks", result.Failures[0].Message, StringComparison.Ordinal);
    }
}
