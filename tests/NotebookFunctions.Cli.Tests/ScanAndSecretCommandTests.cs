namespace NotebookFunctions.Cli.Tests;

/// <summary>nbf scan, nbf run refusing credentials, and --secret on a single run: in the kernel, masked everywhere else.</summary>
public sealed class ScanAndSecretCommandTests
{
    private static readonly string FakeToken = "ghp_" + "0123456789abcdefghijABCDEFGHIJ0123456789";

    [Fact]
    public async Task Scan_reports_findings_with_file_cell_and_line_masked_and_exits_1()
    {
        var folder = NbfProcess.TempFolder();
        TestNotebooks.Write(folder, "clean.ipynb", "x = 1", "print(x)");
        var leaky = TestNotebooks.Write(folder, "leaky.ipynb", "x = 1", "import requests\nheaders = {'Authorization': 'token " + FakeToken + "'}");

        var dirty = await NbfProcess.RunAsync("scan", folder);
        var clean = await NbfProcess.RunAsync("scan", Path.Combine(folder, "clean.ipynb"));
        var missing = await NbfProcess.RunAsync("scan", Path.Combine(folder, "nope.ipynb"));

        Assert.Equal(1, dirty.ExitCode);
        Assert.Contains($"{leaky}: cell 1 (id 'c0'), source line 2: GitHub token (github-token): ghp_", dirty.Stdout);
        Assert.DoesNotContain(FakeToken, dirty.Stdout + dirty.Stderr);
        Assert.Contains("2 notebook(s), 1 finding(s)", dirty.Stderr);
        Assert.Equal(0, clean.ExitCode);
        Assert.Equal(2, missing.ExitCode);
    }

    [Fact]
    public async Task Run_refuses_a_notebook_with_a_credential_before_starting_a_kernel()
    {
        var folder = NbfProcess.TempFolder();
        var leaky = TestNotebooks.Write(folder, "leaky.ipynb", "x = 1", "token = '" + FakeToken + "'\nprint('ran')");

        var run = await NbfProcess.RunAsync("run", leaky);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("refusing", run.Stderr);
        Assert.Contains("github-token", run.Stderr);
        Assert.DoesNotContain(FakeToken, run.Stderr);
        Assert.False(File.Exists(Path.Combine(folder, "leaky.out.ipynb")) || Directory.GetFiles(folder).Length > 1);
    }

    [Fact]
    public async Task A_single_run_hands_secrets_to_the_kernel_and_masks_them_in_the_output_and_the_log()
    {
        var folder = NbfProcess.TempFolder();
        var secret = $"s3cr3t-{Guid.NewGuid():N}";
        var notebook = TestNotebooks.Write(folder, "uses.ipynb", "x = 1",
            "import os\nvalue = os.environ['NBF_SINGLE_SECRET']\nprint('len', len(value), 'value', value)",
            "raise RuntimeError('rejected ' + value)");
        var output = Path.Combine(folder, "out.ipynb");

        var run = await NbfProcess.RunAsync(new Dictionary<string, string> { ["NBF_SINGLE_SECRET"] = secret }, "run", notebook, "-o", output, "--secret", "NBF_SINGLE_SECRET", "--log-output");
        var unknown = await NbfProcess.RunAsync("run", notebook, "--secret", "NBF_NOT_SET_ANYWHERE");

        Assert.Equal(1, run.ExitCode);
        var executed = await File.ReadAllTextAsync(output);
        Assert.Contains($"len {secret.Length} value ***", executed);
        Assert.Contains("rejected ***", executed);
        Assert.DoesNotContain(secret, executed);
        Assert.Contains("rejected ***", run.Stderr);
        Assert.DoesNotContain(secret, run.Stdout + run.Stderr);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("secret 'NBF_NOT_SET_ANYWHERE' was not found", unknown.Stderr);
    }
}
