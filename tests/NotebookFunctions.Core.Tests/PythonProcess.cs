using System.Diagnostics;

namespace NotebookFunctions.Core.Tests;

/// <summary>Runs Debian's /usr/bin/python3 (the interpreter that has ipykernel, nbformat and nbclient) for cross-checks.</summary>
internal static class PythonProcess
{
    public const string Interpreter = "/usr/bin/python3";

    public static async Task<(int ExitCode, string Output)> RunAsync(string code, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(code);
        info.Environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
