namespace NotebookFunctions.Cli.Tests;

/// <summary>--memory-limit and requirements files as a user meets them in nbf.</summary>
public sealed class MemoryLimitCommandTests
{
    [Fact]
    public async Task A_cell_past_the_memory_limit_fails_the_run_naming_cell_and_peak_and_a_bad_limit_is_refused()
    {
        var folder = NbfProcess.TempFolder();
        var notebook = TestNotebooks.Write(folder, "bomb.ipynb", null, "import numpy as np", "big = np.ones(200_000_000)  # 1.5 GiB", "print('never')");
        var fits = TestNotebooks.Write(folder, "fits.ipynb", null, "print(1)");

        var bombed = await NbfProcess.RunAsync("run", notebook, "--memory-limit", "512MB");
        var passed = await NbfProcess.RunAsync("run", fits, "--memory-limit", "1GB");
        var nonsense = await NbfProcess.RunAsync("run", fits, "--memory-limit", "lots");
        var tiny = await NbfProcess.RunAsync("run", fits, "--memory-limit", "64MB");

        Assert.Equal(1, bombed.ExitCode);
        Assert.Matches(@"bomb\.ipynb: out of memory in cell 1 \(id 'c1'\), In \[2\]: peak \d+(\.\d)? MB of 512 MB limit \(MemoryError: Unable to allocate 1\.49 GiB", bombed.Stderr);
        Assert.True(passed.ExitCode == 0, passed.Stderr);
        Assert.Matches(@"succeeded in \d+\.\d\d s, peak \d+(\.\d)? MB of 1024 MB limit", passed.Stderr);
        Assert.Equal(2, nonsense.ExitCode);
        Assert.Contains("--memory-limit: 'lots' is not a size", nonsense.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, tiny.ExitCode);
        Assert.Contains("a kernel's memory limit is from 256 MB", tiny.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_checks_the_requirements_file_beside_the_notebook_and_names_its_bad_line()
    {
        var folder = NbfProcess.TempFolder();
        var notebook = TestNotebooks.Write(folder, "sales.ipynb", null, "print(1)");
        await File.WriteAllTextAsync(Path.Combine(folder, "sales.requirements.txt"), "# what sales needs\npandas>=1\nno-such-package-nbf>=2\n");

        var unmet = await NbfProcess.RunAsync("env", notebook);
        await File.WriteAllTextAsync(Path.Combine(folder, "sales.requirements.txt"), "pandas>=1\n--index-url https://example.com/simple\n");
        var malformed = await NbfProcess.RunAsync("env", notebook);

        Assert.Equal(1, unmet.ExitCode);
        Assert.Contains("ok   pandas>=1: ok (", unmet.Stdout, StringComparison.Ordinal);
        Assert.Contains("no-such-package-nbf>=2: not installed", unmet.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("sales.requirements.txt", malformed.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 2: '--index-url https://example.com/simple' is a pip option", malformed.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2048", "2048 bytes", "2048MB")]
    [InlineData("512", "512 bytes", "512MB")]
    public void A_limit_without_a_unit_is_refused_saying_it_was_read_as_bytes_and_what_was_likely_meant(string text, string readAs, string meant)
    {
        Assert.False(MemoryLimitOption.TryParse(text, out _, out var problem));
        Assert.Contains(readAs, problem, StringComparison.Ordinal);
        Assert.Contains($"did you mean {meant}?", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.5G", 1536)]
    [InlineData("2GiB", 2048)]
    [InlineData("2gb", 2048)]
    [InlineData("256MB", 256)]
    public void Sizes_as_people_write_them_are_read(string text, int megabytes)
    {
        Assert.True(MemoryLimitOption.TryParse(text, out var mb, out var problem), problem);
        Assert.Equal(megabytes, mb);
    }

    [Fact]
    public async Task A_fan_out_run_refused_for_its_memory_limit_uploads_no_input()
    {
        // Refusals that need the published notebook or the host (its metadata's limit, a limit past the host's memory)
        // come before the upload too: a refused run leaves no input behind.
        var folder = NbfProcess.TempFolder();
        await using var azurite = await PrivateAzurite.StartAsync(Path.Combine(folder, "azurite"));
        var environment = new Dictionary<string, string>
        {
            ["NBF_STORAGE"] = azurite.ConnectionString,
            ["NBF_AZURITE_DATA"] = Path.Combine(folder, "azurite"),
            ["NBF_TASK_HUB"] = $"nbfm{Guid.NewGuid():N}"[..16],
        };
        var badMetadata = TestNotebooks.Write(folder, "badlimit.ipynb", "input_path = ''", "print(input_path)");
        var text = await File.ReadAllTextAsync(badMetadata);
        var notebook = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        notebook["metadata"]!["notebook_functions"] = new System.Text.Json.Nodes.JsonObject { ["memory_limit_mb"] = "2GB" };
        await File.WriteAllTextAsync(badMetadata, notebook.ToJsonString());
        var fine = TestNotebooks.Write(folder, "fine.ipynb", "input_path = ''", "print(input_path)");
        var data = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(data, "v\n1\n2\n");

        var metadataRefused = await NbfProcess.RunAsync(environment, "run", badMetadata, "--input", data);
        var hostRefused = await NbfProcess.RunAsync(environment, "run", fine, "--input", data, "--memory-limit", "1TB");

        Assert.Equal(2, metadataRefused.ExitCode);
        Assert.Contains("memory_limit_mb", metadataRefused.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, hostRefused.ExitCode);
        Assert.Contains("more than this backend's hosts have", hostRefused.Stderr, StringComparison.Ordinal);
        var inputs = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(Core.Storage.StorageLayout.InputsContainer);
        var uploaded = new List<string>();
        if (await inputs.ExistsAsync())
        {
            await foreach (var blob in inputs.GetBlobsAsync()) uploaded.Add(blob.Name);
        }

        Assert.Empty(uploaded);
        Assert.DoesNotContain("uploaded", metadataRefused.Stderr + hostRefused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fan_out_run_of_a_notebook_file_checks_the_requirements_file_beside_it_as_env_and_publish_do()
    {
        var folder = NbfProcess.TempFolder();
        await using var azurite = await PrivateAzurite.StartAsync(Path.Combine(folder, "azurite"));
        var environment = new Dictionary<string, string>
        {
            ["NBF_STORAGE"] = azurite.ConnectionString,
            ["NBF_AZURITE_DATA"] = Path.Combine(folder, "azurite"),
            ["NBF_TASK_HUB"] = $"nbfr{Guid.NewGuid():N}"[..16],
        };
        var notebook = TestNotebooks.Write(folder, "needs.ipynb", "input_path = ''", "print(input_path)");
        await File.WriteAllTextAsync(Path.Combine(folder, "needs.requirements.txt"), "no-such-package-nbf>=1\n");
        var data = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(data, "v\n1\n2\n");

        var run = await NbfProcess.RunAsync(environment, "run", notebook, "--input", data);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no-such-package-nbf>=1: not installed", run.Stderr, StringComparison.Ordinal);
    }
}
