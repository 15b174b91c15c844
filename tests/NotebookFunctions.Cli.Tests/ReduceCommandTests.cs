using System.Text.Json.Nodes;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// <c>nbf run --input ... --reduce</c> on the local durable host, as a process, against the Azurite that scripts/test.sh
/// starts (as <see cref="FanOutCommandTests"/>); each test has its own task hub.
/// </summary>
public sealed class ReduceCommandTests
{
    private const string MapParameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0";

    private static readonly string[] MapCells =
    [
        "import os, pandas as pd",
        "df = pd.read_csv(input_path)\ndf.groupby('region', sort=True)['value'].sum().reset_index().to_csv(os.path.join(output_dir, 'partial.csv'), index=False)",
    ];

    private const string ReduceParameters = "input_path = 'results'\noutput_dir = 'out'\nchunk_count = 1\nfactor: int = 1";

    private static readonly string[] ReduceCells =
    [
        "import os, pandas as pd\nfrom IPython.display import display",
        "totals = pd.read_csv(os.path.join(input_path, 'partial.csv')).groupby('region', sort=True)[['value']].sum() * factor\ntotals.to_csv(os.path.join(output_dir, 'totals.csv'))",
        "display({'application/scrapbook.scrap.json+json': {'name': 'grand_total', 'data': int(totals['value'].sum()), 'encoder': 'json', 'version': 1}}, raw=True)",
    ];

    private static readonly string[] Regions = ["north", "east", "south"];

    private static string Csv(int rows) => "id,region,value\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i},{Regions[i % 3]},{i * 7 % 100}\n"));

    private static Dictionary<string, string> Hub() => new() { ["NBF_TASK_HUB"] = $"nbft{Guid.NewGuid():N}"[..16] };

    [Fact]
    public async Task A_run_with_a_reduce_file_prints_where_the_final_answer_is_and_results_downloads_it()
    {
        var dir = NbfProcess.TempFolder();
        var token = Guid.NewGuid().ToString("N")[..8];
        var map = TestNotebooks.Write(dir, $"map_{token}.ipynb", MapParameters, MapCells);
        // Published along with the map, under the file's name.
        var reduce = TestNotebooks.Write(dir, $"reduce_{token}.ipynb", ReduceParameters, ReduceCells);
        var data = Path.Combine(dir, "data.csv");
        await File.WriteAllTextAsync(data, Csv(300));
        var hub = Hub();
        var runId = $"reduce-{Guid.NewGuid():N}"[..19];

        var run = await NbfProcess.RunAsync(hub, "run", map, "--input", data, "--reduce", reduce, "-r", "factor=2", "--split", "1KB", "--parallel", "2", "--run-id", runId);
        var results = await NbfProcess.RunAsync(hub, "results", runId, "-o", Path.Combine(dir, "results"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains($"run {runId} Completed", run.Stderr);
        Assert.Contains($"nbf: final: runs/{runId}/reduce/files/ (totals.csv), 1 scrap(s), by reduce reduce-{token} in ", run.Stderr);
        Assert.Contains($"; executed: runs/{runId}/reduce/output.ipynb", run.Stderr);
        Assert.True(results.ExitCode == 0, results.Stderr);
        var expected = "region,value\n" + string.Concat(Enumerable.Range(0, 300).GroupBy(i => Regions[i % 3]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key},{g.Sum(i => i * 7 % 100) * 2}\n"));
        Assert.Equal(expected, await File.ReadAllTextAsync(Path.Combine(dir, "results", "reduce", "files", "totals.csv")));
        var scraps = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "results", "reduce", "scraps.json")))!;
        Assert.Equal(Enumerable.Range(0, 300).Sum(i => i * 7 % 100) * 2, scraps["grand_total"]!.GetValue<int>());
        Assert.Contains("grand_total", await File.ReadAllTextAsync(Path.Combine(dir, "results", "reduce", "output.ipynb")));
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "results", "manifest.json")))!;
        Assert.Equal(($"reduce-{token}", "succeeded"), (manifest["reduce"]!["notebook"]!.GetValue<string>(), manifest["reduce"]!["status"]!.GetValue<string>()));
        Assert.Equal(2, manifest["request"]!["reduce"]!["parameters"]!["factor"]!.GetValue<int>());
        Assert.True(manifest["chunks"]!.AsArray().Count >= 3, manifest["chunks"]!.ToJsonString());
    }

    [Fact]
    public async Task Reduce_parameters_without_a_reduce_are_refused_naming_the_field()
    {
        var dir = NbfProcess.TempFolder();
        var map = TestNotebooks.Write(dir, $"map_{Guid.NewGuid():N}.ipynb", MapParameters, MapCells);
        var data = Path.Combine(dir, "data.csv");
        await File.WriteAllTextAsync(data, Csv(30));

        var run = await NbfProcess.RunAsync(Hub(), "run", map, "--input", data, "-r", "factor=2");

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.Contains("(field 'reduce.parameters')", run.Stderr);
        Assert.DoesNotContain("started", run.Stderr);
    }
}
