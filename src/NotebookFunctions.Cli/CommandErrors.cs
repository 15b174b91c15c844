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

    /// <summary>
    /// A command line that does not parse (an option's value of the wrong type, an unknown option, a missing argument):
    /// one line per error naming the command, and the invalid-input exit code, instead of System.CommandLine's whole
    /// help page and exit code 1, which a script cannot tell from a notebook that failed.
    /// </summary>
    public static int ReportParseErrors(System.CommandLine.ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is { Command: not System.CommandLine.RootCommand }; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        var command = string.Concat(names.Select(name => " " + name));
        foreach (var error in parse.Errors)
        {
            Console.Error.WriteLine($"nbf{command}: {error.Message}");
        }

        // "Did you mean" for a mistyped option or command. System.CommandLine's own (ParseErrorAction.ShowTypoCorrections)
        // also offers every short option for a stray value such as the '3' after a mistyped option: this names one
        // close name, and only for a token that looks like an option (also one taken as the notebook argument, as in
        // `run --detatch nb.ipynb`) or stands where a command goes. Nothing after `--` is meant as an option.
        var afterDoubleDash = parse.Tokens.SkipWhile(t => t.Type != System.CommandLine.Parsing.TokenType.DoubleDash).Select(t => t.Value).ToHashSet(StringComparer.Ordinal);
        var suspects = parse.UnmatchedTokens
            .Concat(parse.Tokens.TakeWhile(t => t.Type != System.CommandLine.Parsing.TokenType.DoubleDash)
                .Where(t => t.Type == System.CommandLine.Parsing.TokenType.Argument && t.Value.StartsWith('-')).Select(t => t.Value))
            .Where(token => !afterDoubleDash.Contains(token))
            .Distinct(StringComparer.Ordinal);
        foreach (var token in suspects)
        {
            var candidates = token.StartsWith('-')
                ? parse.CommandResult.Command.Options.SelectMany(option => option.Aliases.Prepend(option.Name))
                : parse.CommandResult.Command.Subcommands.Select(subcommand => subcommand.Name);
            var name = token.Split('=', 2)[0]; // --paralel=3
            var bare = name.TrimStart('-');
            if (bare.Length < 3)
            {
                continue; // '-x' is as near to '-p' as to anything: no guess
            }

            var closest = candidates
                .Where(candidate => !string.Equals(candidate, name, StringComparison.Ordinal))
                .Select(candidate => (candidate, distance: EditDistance(bare, candidate.TrimStart('-'))))
                .Where(candidate => candidate.distance <= (bare.Length <= 4 ? 1 : 2))
                .OrderBy(candidate => candidate.distance)
                .Select(candidate => candidate.candidate)
                .FirstOrDefault();
            if (closest is not null)
            {
                Console.Error.WriteLine($"nbf{command}: did you mean '{closest}' instead of '{name}'?");
            }
            else if (token.StartsWith("--", StringComparison.Ordinal) && !parse.UnmatchedTokens.Contains(token))
            {
                // Taken as an argument's value, so no error above names it.
                Console.Error.WriteLine($"nbf{command}: '{name}' is not one of its options");
            }
        }

        Console.Error.WriteLine($"See 'nbf{command} --help' for its arguments and options.");
        return ExitCodes.InvalidInput;
    }

    /// <summary>Edits (insert, delete, replace, swap two neighbours) from one name to another: 'stauts' is 1 from 'status'.</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j], d[i, j - 1]) + 1, d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

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
