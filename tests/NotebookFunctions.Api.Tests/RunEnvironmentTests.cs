using System.Net;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Api.Tests;

/// <summary>
/// GET /api/runs/{id}/environment[?against=]: the environment a run recorded, and what changed from another run's; and
/// the "environment changed" note a run carries when its environment differs from its notebook's last successful run.
/// </summary>
public sealed class RunEnvironmentTests
{
    [Fact]
    public async Task Two_runs_on_different_package_sets_are_compared_package_by_package_and_the_later_one_says_its_environment_changed()
    {
        await using var api = await ApiHarness.StartAsync();
        // A second package set for real: a distribution that importlib.metadata finds once its folder is on the
        // kernel's path, put there by the notebook when asked (the environment is recorded after the cells ran).
        var site = Directory.CreateTempSubdirectory("nbf-site-").FullName;
        var dist = Directory.CreateDirectory(Path.Combine(site, "nbf_drift_probe-2.5.dist-info")).FullName;
        await File.WriteAllTextAsync(Path.Combine(dist, "METADATA"), "Metadata-Version: 2.1\nName: nbf-drift-probe\nVersion: 2.5\n");
        var name = ApiHarness.NewName("env");
        await api.PublishAsync(name, ApiHarness.NotebookText("input_path = 'x'\noutput_dir = 'out'\nextra_site = ''", "import sys\nif extra_site:\n    sys.path.insert(0, extra_site)"));
        var input = await ApiHarness.UploadInputAsync("data.csv", "a\n1\n");

        async Task<JsonObject> RunAsync(string extraSite)
        {
            var (_, started) = await api.SendAsync(HttpMethod.Post, "/api/runs", new { notebook = name, input = new { container = input.Name, prefix = "data.csv" }, maxAttempts = 1, parameters = new { extra_site = extraSite } });
            var done = await api.WaitForRunAsync(started["id"]!.GetValue<string>());
            Assert.Equal("Completed", done["status"]!.GetValue<string>());
            return done;
        }

        var first = await RunAsync(string.Empty);
        var second = await RunAsync(site);
        var third = await RunAsync(site);
        var (a, b) = (first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());

        var (shown, environment) = await api.SendAsync(HttpMethod.Get, $"/api/runs/{b}/environment");
        var (_, sameBody) = await api.SendAsync(HttpMethod.Get, $"/api/runs/{b}/environment?against={b}");
        var (compared, difference) = await api.SendAsync(HttpMethod.Get, $"/api/runs/{b}/environment?against={a}");
        var (unknown, unknownProblem) = await api.SendAsync(HttpMethod.Get, $"/api/runs/{b}/environment?against=no-such-run-{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains(environment["environment"]!["packages"]!.AsArray(), p => p!.GetValue<string>() == "nbf-drift-probe==2.5");
        Assert.True(sameBody["same"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, compared.StatusCode);
        Assert.False(difference["same"]!.GetValue<bool>());
        var change = Assert.Single(difference["changes"]!.AsArray());
        Assert.Equal(("nbf-drift-probe", null, "2.5"), (change!["name"]!.GetValue<string>(), change["against"]?.GetValue<string>(), change["run"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.NotFound, "against"), (unknown.StatusCode, unknownProblem["field"]!.GetValue<string>()));

        // The run after the change says so, against the last successful run; the one after it has nothing new to say.
        Assert.Null(first["environmentChanged"]);
        Assert.Equal($"environment changed since run {a} (the notebook's last successful run): + nbf-drift-probe==2.5", second["environmentChanged"]!.GetValue<string>());
        Assert.Null(third["environmentChanged"]);
        Directory.Delete(site, recursive: true);
    }
}
