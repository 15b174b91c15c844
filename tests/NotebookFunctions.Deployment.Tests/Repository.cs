using System.Diagnostics;

namespace NotebookFunctions.Deployment.Tests;

/// <summary>Paths in this clone, and the Bicep CLI the build restored from NuGet.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>The CLI of Azure.Bicep.CommandLine.linux-x64, from the NuGet packages folder (never downloaded at test time).</summary>
    public static string Bicep()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cli = Path.Combine(packages, "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
        Assert.True(File.Exists(cli), $"the Bicep CLI is not at {cli}: restore tests/NotebookFunctions.Deployment.Tests (its PackageDownload brings it)");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(cli, File.GetUnixFileMode(cli) | UnixFileMode.UserExecute);
        return cli;
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // Offline: no telemetry, no update check.
        info.Environment["BICEP_TRACING_ENABLED"] = "false";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "NotebookFunctions.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("not inside the repository");
        return dir;
    }
}
