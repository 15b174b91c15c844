using NotebookFunctions.Cli.Remote;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli;

/// <summary>
/// What a command says and returns when it is refused: one line naming what was wrong and the request field it is
/// about, and the exit code its kind means. The same refusal gives the same line and code against the local host and
/// against the API (whose problem documents come back as the same refusal).
/// </summary>
internal static class CommandErrors
{
    /// <summary>True (with the exit code) when <paramref name="e"/> is a refusal or an unreachable backend, reported on stderr.</summary>
    public static bool TryReport(string command, Exception e, out int exitCode)
    {
        if (e is HostSettingException setting)
        {
            Console.Error.WriteLine($"nbf {command}: {setting.Message}");
            exitCode = ExitCodes.InvalidInput;
            return true;
        }

        if (e is ApiUnavailableException unavailable)
        {
            Console.Error.WriteLine($"nbf {command}: {unavailable.Message}");
            exitCode = ExitCodes.Unavailable;
            return true;
        }

        var refusal = RunRefusalException.From(e) ?? (e is FormatException or IOException or UnauthorizedAccessException ? RunRefusalException.Invalid(e.Message, null) : null);
        if (refusal is null)
        {
            exitCode = 0;
            return false;
        }

        var option = command == "run" && refusal.Field is { } field && RunOptions.TryGetValue(field, out var name) ? $", set by {name}" : string.Empty;
        Console.Error.WriteLine($"nbf {command}: {refusal.Message}{(refusal.Field is null ? string.Empty : $" (field '{refusal.Field}'){option}")}");
        exitCode = ExitCodeOf(refusal.Kind);
        return true;
    }

    // The run service names request fields (its API's JSON); `nbf run` sets these from its own options.
    private static readonly Dictionary<string, string> RunOptions = new(StringComparer.Ordinal)
    {
        ["input.chunkSize"] = "--split",
        ["input.glob"] = "--glob",
        ["maxParallelChunks"] = "--parallel",
        ["maxAttempts"] = "--max-attempts",
        ["runId"] = "--run-id",
    };

    /// <summary>The exit code a kind of refusal means.</summary>
    public static int ExitCodeOf(RunRefusalKind kind) => kind switch
    {
        RunRefusalKind.NotFound => ExitCodes.NotFound,
        RunRefusalKind.Conflict => ExitCodes.Conflict,
        _ => ExitCodes.InvalidInput,
    };

    /// <summary>Runs a command's body, reporting refusals as <see cref="TryReport"/> does; anything else is a bug and propagates.</summary>
    public static async Task<int> GuardAsync(string command, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (TryReport(command, e, out var code))
        {
            return code;
        }
    }
}
