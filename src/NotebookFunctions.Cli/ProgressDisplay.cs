using System.Diagnostics;
using NotebookFunctions.Core.Execution;
using Spectre.Console;

namespace NotebookFunctions.Cli;

/// <summary>Per-cell progress on stderr: a line per cell as it starts and ends, stream output passed through with --log-output.</summary>
internal sealed class ProgressDisplay : IExecutionObserver
{
    private readonly IAnsiConsole _console;
    private readonly bool _logOutput;
    private readonly Core.Secrets.SecretRedactor _redactor;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private int _codeCells;

    public ProgressDisplay(bool logOutput, Core.Secrets.SecretRedactor? redactor = null)
    {
        _logOutput = logOutput;
        _redactor = redactor ?? Core.Secrets.SecretRedactor.None;
        _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    }

    public void KernelReady(string kernelName, int codeCells)
    {
        _codeCells = codeCells;
        Write($"[grey]kernel {Markup.Escape(kernelName)} ready after {_clock.Elapsed.TotalSeconds:0.00} s; {codeCells} cells to run[/]");
    }

    public void CellStarted(int cellIndex, int ordinal, int codeCells, string source)
    {
        var first = source.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? string.Empty;
        if (first.Length > 60) first = first[..57] + "...";
        Write($"[grey][[{ordinal,3}/{codeCells}]][/] cell {cellIndex,-3} [dim]{Markup.Escape(first)}[/]");
    }

    public void CellFinished(int cellIndex, CellStatus status, TimeSpan duration)
    {
        var (mark, color) = status switch
        {
            CellStatus.Succeeded => ("ok", "green"),
            CellStatus.FailedAllowed => ("error (allowed)", "yellow"),
            CellStatus.Skipped => ("skipped", "grey"),
            CellStatus.TimedOut => ("timed out", "red"),
            CellStatus.KernelDied => ("kernel died", "red"),
            CellStatus.Cancelled => ("cancelled", "red"),
            _ => ("failed", "red"),
        };
        Write($"          [{color}]{mark}[/] [grey]{duration.TotalSeconds:0.000} s[/]");
    }

    public void StreamOutput(int cellIndex, string streamName, string text)
    {
        if (!_logOutput) return;
        lock (_lock)
        {
            var target = streamName == "stderr" ? Console.Error : Console.Out;
            // Passed-through output is a log line: no secret value in it.
            target.Write(_redactor.Redact(text));
            target.Flush();
        }
    }

    private void Write(string markup)
    {
        lock (_lock) _console.MarkupLine(markup);
    }
}
