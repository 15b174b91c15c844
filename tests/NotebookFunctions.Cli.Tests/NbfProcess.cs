using System.Diagnostics;

namespace NotebookFunctions.Cli.Tests;

/// <summary>Runs the built nbf as its own process, as a user would, and captures what it prints.</summary>
internal static class NbfProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(cts.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts nbf without waiting (for tests that kill it); the caller reads or drains its output.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args) => Start(environment, args, viaSetsid: false);

    /// <summary>With <paramref name="viaSetsid"/>, nbf leads a session and process group of its own (its pid is the group's id).</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, string[] args, bool viaSetsid, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(viaSetsid ? "setsid" : "dotnet")
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (viaSetsid) info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nbf.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return Process.Start(info)!;
    }

    /// <summary>
    /// Reads a fan-out run's progress until it says a chunk is running (not after a fixed time: on a loaded machine the
    /// run may not be scheduled yet); the rest of the process's output is drained from then on.
    /// </summary>
    public static async Task UntilAChunkRunsAsync(Process host)
    {
        _ = host.StandardOutput.ReadToEndAsync();
        using (var started = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            while (await host.StandardError.ReadLineAsync(started.Token) is { } line && !System.Text.RegularExpressions.Regex.IsMatch(line, @", [1-9][0-9]* running"))
            {
            }
        }

        _ = host.StandardError.ReadToEndAsync();
    }

    /// <summary>SIGTERM, as a service manager stops nbf (a worker releases its partitions); killed if still running after <paramref name="grace"/>.</summary>
    public static async Task TerminateAsync(Process process, TimeSpan grace)
    {
        if (process.HasExited) return;
        Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
        using var stop = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public static string TempFolder() => Directory.CreateTempSubdirectory("nbf-cli-").FullName;
}
