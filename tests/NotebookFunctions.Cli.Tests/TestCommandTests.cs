using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Cli.Tests;

/// <summary><c>nbf test</c> as a user runs it: exit codes, one line per failure naming where, JUnit XML, and the publish gate.</summary>
public sealed class TestCommandTests
{
    /// <summary>A notebook saved after a run whose second cell printed <paramref name="printed"/> (what x + 1 gives is 2).</summary>
    internal static string SavedNotebook(string folder, string fileName, string printed)
    {
        var notebook = TestNotebooks.Build("x = 1", "print(x + 1)");
        notebook.Cells[0].ExecutionCount = 1;
        notebook.Cells[1].ExecutionCount = 2;
        notebook.Cells[1].Outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray(printed + "\n") });
        var path = Path.Combine(folder, fileName);
        File.WriteAllText(path, notebook.ToText());
        return path;
    }

    [Fact]
    public async Task Failures_are_one_line_each_naming_notebook_case_and_cell_the_exit_code_is_1_and_junit_counts_them()
    {
        var folder = NbfProcess.TempFolder();
        SavedNotebook(folder, "good.ipynb", "2");
        SavedNotebook(folder, "stale.ipynb", "3");
        await File.WriteAllTextAsync(Path.Combine(folder, "sample.csv"), "id,value\n1,2\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "good.test.yaml"), """
            cases:
              - name: x of ten
                input: sample.csv
                parameters: {x: 10}
                expect:
                  error: {name: KeyError}
            """);
        var junit = Path.Combine(folder, "reports", "junit.xml");

        var run = await NbfProcess.RunAsync("test", folder, "--junit", junit, "--parallel", "2");

        Assert.True(run.ExitCode == 1, run.Stdout + run.Stderr);
        var lines = run.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("FAIL stale.ipynb [regression] cell 1 (id 'c0', In [2]): ", StringComparison.Ordinal) || l.StartsWith($"FAIL {Path.Combine(folder, "stale.ipynb")} [regression] cell 1 (id 'c0', In [2]): ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[x of ten] ran to the end, but KeyError was expected", StringComparison.Ordinal));
        Assert.Contains("-3", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("+2", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("nbf test: 1 passed, 2 failed, 0 error(s), 0 skipped", run.Stderr, StringComparison.Ordinal);
        var root = XDocument.Load(junit).Root!;
        Assert.Equal(("3", "2", "0"), ((string)root.Attribute("tests")!, (string)root.Attribute("failures")!, (string)root.Attribute("errors")!));
    }

    [Fact]
    public async Task Bad_input_is_exit_code_2_naming_what_is_wrong_before_any_kernel_starts()
    {
        var folder = NbfProcess.TempFolder();
        SavedNotebook(folder, "nb.ipynb", "2");
        await File.WriteAllTextAsync(Path.Combine(folder, "nb.test.yaml"), "cases:\n  - name: a\n    expect: {scrapss: {}}\n");

        var missing = await NbfProcess.RunAsync("test", Path.Combine(folder, "nowhere.ipynb"));
        var badFile = await NbfProcess.RunAsync("test", Path.Combine(folder, "nb.test.yaml"));
        var badOption = await NbfProcess.RunAsync("test", folder, "--fanout", "1");
        // A test file beside evil.ipynb that tests another notebook would let evil.ipynb pass (and be published) untested.
        var other = NbfProcess.TempFolder();
        TestCommandTests.SavedNotebook(other, "ok.ipynb", "2");
        File.WriteAllText(Path.Combine(other, "evil.ipynb"), TestNotebooks.Text("x = 1", "raise ValueError('evil')"));
        await File.WriteAllTextAsync(Path.Combine(other, "evil.test.yaml"), "notebook: ok.ipynb\n");
        var evil = await NbfProcess.RunAsync("test", Path.Combine(other, "evil.ipynb"));
        // A test file whose notebook was renamed away is not skipped in silence.
        var orphans = NbfProcess.TempFolder();
        await File.WriteAllTextAsync(Path.Combine(orphans, "gone.test.yaml"), "cases: []\n");
        var orphan = await NbfProcess.RunAsync("test", orphans);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nowhere.ipynb: no such file or folder", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badFile.ExitCode);
        Assert.Contains("nb.test.yaml: cases[0].expect.scrapss: unknown member; did you mean 'scraps'?", badFile.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, evil.ExitCode);
        Assert.Contains("evil.test.yaml: notebook: a test file beside evil.ipynb tests evil.ipynb", evil.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, orphan.ExitCode);
        Assert.Contains("gone.test.yaml: notebook: the notebook it tests is not there", orphan.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badOption.ExitCode);
        Assert.Contains("--fanout must be 2 to 64 chunks, not 1", badOption.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interrupted_it_says_so_exits_130_writes_what_ended_and_leaves_no_kernel_behind()
    {
        var folder = NbfProcess.TempFolder();
        File.WriteAllText(Path.Combine(folder, "slow.ipynb"), TestNotebooks.Text("x = 1", "import time\ntime.sleep(120)"));
        await File.WriteAllTextAsync(Path.Combine(folder, "slow.test.yaml"), "cases:\n  - name: a\n  - name: b\n");
        var junit = Path.Combine(folder, "junit.xml");
        using var process = NbfProcess.Start(new Dictionary<string, string>(), "test", folder, "--junit", junit);
        var stderr = new System.Text.StringBuilder();
        var started = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data?.Contains("kernel(s) at a time", StringComparison.Ordinal) == true) started.TrySetResult();
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        await started.Task.WaitAsync(TimeSpan.FromMinutes(2));
        // The cases are under way once their work folders are there (a SIGTERM in the first tenth of a second of the
        // kernel pool's start can still end the process as 143 without its summary: see issue 15's note).
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (Directory.GetDirectories(Path.GetTempPath(), $"nbf-chunk-p{process.Id}-test-*").Length < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.NotEmpty(KernelProcesses.StartedBy(process.Id));

        Core.Kernels.ProcessSignals.Send(process.Id, Core.Kernels.ProcessSignals.Terminate);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

        process.WaitForExit();
        lock (stderr) Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {stderr}");
        process.WaitForExit();
        lock (stderr) Assert.True(stderr.ToString().Contains("nbf test: interrupted; 0 of 2 test(s) had ended", StringComparison.Ordinal), stderr.ToString());
        Assert.Equal("2", (string)XDocument.Load(junit).Root!.Attribute("skipped")!);
        Assert.Empty(await KernelProcesses.WaitUntilGoneAsync(process.Id, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_sales_sample_passes_its_regression_cases_and_fan_out_check()
    {
        var run = await NbfProcess.RunAsync("test", Path.Combine(RepositoryRoot(), "samples", "sales", "sales_analysis.ipynb"));

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("nbf test: 4 passed, 0 failed, 0 error(s), 0 skipped", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("[fan-out over 4 chunks]", run.Stderr, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "NotebookFunctions.sln"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("not inside the repository");
    }
}

/// <summary><c>nbf publish --require-tests</c> against nbf serve: a failing or untested notebook is refused and nothing is stored.</summary>
[Collection(ServeProcess.Collection)]
public sealed class PublishRequireTestsTests
{
    [Fact]
    public async Task A_failing_or_untested_notebook_is_refused_leaving_storage_unchanged_and_a_passing_one_is_published()
    {
        await using var serve = await ServeProcess.StartAsync();
        var keyed = new Dictionary<string, string> { ["NBF_API_KEY"] = serve.ApiKey };
        var folder = NbfProcess.TempFolder();
        var id = Guid.NewGuid().ToString("N")[..8];
        var passing = TestCommandTests.SavedNotebook(folder, $"pass-{id}.ipynb", "2");
        var failing = TestCommandTests.SavedNotebook(folder, $"fail-{id}.ipynb", "3");
        var untested = Path.Combine(folder, $"bare-{id}.ipynb");
        File.WriteAllText(untested, TestNotebooks.Text("x = 1", "print(x)"));

        // Both given: the failing one stops the passing one too, so a set is published whole or not at all.
        var refused = await NbfProcess.RunAsync(keyed, "publish", passing, failing, "--api", serve.ApiUrl, "--require-tests");
        var bare = await NbfProcess.RunAsync(keyed, "publish", untested, "--api", serve.ApiUrl, "--require-tests");
        var published = await NbfProcess.RunAsync(keyed, "publish", passing, "--api", serve.ApiUrl, "--require-tests");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"fail-{id}.ipynb [regression] cell 1 (id 'c0', In [2])", refused.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing was published", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(refused.Stdout.Split('\n'), l => l.Contains(" -> ", StringComparison.Ordinal));
        Assert.Equal(1, bare.ExitCode);
        Assert.Contains("has no tests", bare.Stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await serve.Http.GetAsync($"api/notebooks/fail-{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await serve.Http.GetAsync($"api/notebooks/bare-{id}")).StatusCode);
        Assert.True(published.ExitCode == 0, published.Stdout + published.Stderr);
        Assert.Matches($"pass-{id} -> [0-9a-f]{{64}}", published.Stdout);
    }
}
