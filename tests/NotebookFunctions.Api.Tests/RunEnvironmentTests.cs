using System.Net;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Api.Tests;

/// <summary>GET /api/runs/{id}/environment[?against=]: the environment a run recorded, and what changed from another run's.</summary>
public sealed class RunEnvironmentTests
{
    [Fact]
    public async Task A_runs_environment_is_shown_and_compared_package_by_package_with_another_runs()
    {
        await using var api = await ApiHarness.StartAsync();
        var text = ApiHarness.NotebookText("input_path = 'x'\noutput_dir = 'out'", "print(open(input_path).read())");
        var first = await api.RunOnceAsync("env-a", text);
        var second = await api.RunOnceAsync("env-b", text);
        // Two environments on one machine cannot be made for real: the first run's record is given an older pandas
        // and a package the second lacks, as a run on last month's image would have recorded.
        var runs = ApiHarness.Blobs.GetBlobContainerClient(StorageLayout.RunsContainer);
        var manifestBlob = runs.GetBlobClient(StorageLayout.ManifestBlob(first));
        var manifest = JsonNode.Parse((await manifestBlob.DownloadContentAsync()).Value.Content.ToString())!.AsObject();
        var packages = manifest["environment"]!["packages"]!.AsArray();
        var pandas = packages.Single(p => p!.GetValue<string>().StartsWith("pandas==", StringComparison.OrdinalIgnoreCase))!.GetValue<string>();
        var index = packages.Select(p => p!.GetValue<string>()).ToList().IndexOf(pandas);
        packages[index] = "pandas==0.25.3";
        packages.Add("legacy-tool==1.0");
        await manifestBlob.UploadAsync(BinaryData.FromString(manifest.ToJsonString()), overwrite: true);

        var (shown, environment) = await api.SendAsync(HttpMethod.Get, $"/api/runs/{second}/environment");
        var (same, sameBody) = await api.SendAsync(HttpMethod.Get, $"/api/runs/{second}/environment?against={second}");
        var (compared, difference) = await api.SendAsync(HttpMethod.Get, $"/api/runs/{second}/environment?against={first}");
        var (unknown, unknownProblem) = await api.SendAsync(HttpMethod.Get, $"/api/runs/{second}/environment?against=no-such-run-{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains(environment["environment"]!["packages"]!.AsArray(), p => p!.GetValue<string>() == pandas);
        Assert.True(sameBody["same"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, compared.StatusCode);
        Assert.False(difference["same"]!.GetValue<bool>());
        var changes = difference["changes"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!);
        Assert.Equal(2, changes.Count);
        Assert.Equal(("0.25.3", pandas[(pandas.IndexOf("==", StringComparison.Ordinal) + 2)..]), (changes[pandas[..pandas.IndexOf("==", StringComparison.Ordinal)]]["against"]!.GetValue<string>(), changes[pandas[..pandas.IndexOf("==", StringComparison.Ordinal)]]["run"]!.GetValue<string>()));
        Assert.Equal("1.0", changes["legacy-tool"]["against"]!.GetValue<string>());
        Assert.Null(changes["legacy-tool"]["run"]);
        Assert.Equal((HttpStatusCode.NotFound, "against"), (unknown.StatusCode, unknownProblem["field"]!.GetValue<string>()));
    }
}
