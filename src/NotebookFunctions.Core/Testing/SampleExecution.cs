using System.Text.Json.Nodes;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// One execution of a notebook the way a chunk (or a reduce) of a run executes it: the user's parameters checked
/// against the schema, the reserved ones beside them, injected as papermill does, on a fresh kernel whose working
/// directory is the work folder, not the notebook's. A test then fails where production would.
/// </summary>
public sealed record SampleExecution
{
    public required Notebook Notebook { get; init; }

    /// <summary>How errors name it ("sales.ipynb [big orders]").</summary>
    public required string Label { get; init; }

    public JsonObject Parameters { get; init; } = new();

    /// <summary>input_path, output_dir and the rest, as the run would set them.</summary>
    public required JsonObject Reserved { get; init; }

    public required string WorkFolder { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public TimeSpan? Timeout { get; init; }

    public Secrets.SecretRedactor Redactor { get; init; } = Secrets.SecretRedactor.None;

    /// <exception cref="ParameterException">The parameters do not fit the notebook's schema (no kernel was started).</exception>
    public async Task<SampleOutcome> RunAsync(NotebookExecutor executor, CancellationToken cancellationToken)
    {
        var notebook = Notebook.Clone();
        var kernelName = notebook.KernelName;
        var schema = ParameterSchema.Infer(notebook, kernelName);
        ParameterValidator.Validate(Label, schema, Parameters, [.. Reserved.Select(p => p.Key)]);
        var values = (JsonObject)Parameters.DeepClone();
        foreach (var (name, value) in Reserved) values[name] = value?.DeepClone();
        var before = notebook.Cells.Count;
        var injectedAt = ParameterInjector.Inject(notebook, values, Translators.For(kernelName, notebook.Language));
        var result = await executor.ExecuteAsync(notebook, new ExecutionOptions
        {
            NotebookName = Label,
            WorkingDirectory = WorkFolder,
            Timeout = Timeout,
            Environment = Environment,
            Redactor = Redactor,
        }, cancellationToken);
        return new SampleOutcome(result, notebook.Cells.Count > before ? injectedAt : null);
    }
}

/// <summary>An execution, and where the injected-parameters cell was inserted (null: it replaced one the notebook had).</summary>
public sealed record SampleOutcome(ExecutionResult Result, int? InsertedAt)
{
    /// <summary>A cell's index in the notebook file, from its index in the executed notebook; null for the injected cell itself.</summary>
    public int? SourceIndex(int executedIndex) =>
        InsertedAt is not { } at ? executedIndex : executedIndex == at ? null : executedIndex > at ? executedIndex - 1 : executedIndex;

    /// <summary>The failure as a test failure, naming the cell as the notebook file numbers it.</summary>
    public TestFailure? Failure(Secrets.SecretRedactor redactor)
    {
        if (Result.Failure is not { } f) return null;
        var index = f.CellIndex is { } i ? SourceIndex(i) : null;
        var what = f.Kind switch
        {
            FailureKind.CellError => $"raised {redactor.Redact(f.EName)}: {FirstLine(redactor.Redact(f.EValue))}",
            FailureKind.CellTimeout => "ran past the cell timeout",
            FailureKind.NotebookTimeout => "the notebook ran past its time limit",
            FailureKind.KernelDied => $"the kernel died: {FirstLine(redactor.Redact(f.EValue))}",
            FailureKind.KernelStart => $"the kernel did not start: {FirstLine(redactor.Redact(f.EValue))}",
            _ => f.Kind.ToString(),
        };
        if (f.CellIndex is not null && index is null) what = "in the injected parameters: " + what;
        var traceback = string.Join("\n", f.Traceback.TakeLast(12).Select(l => redactor.Redact(Ansi.Strip(l))));
        return new TestFailure(what, index, index is null ? null : f.CellId, f.ExecutionCount, traceback);
    }

    private static string FirstLine(string text) => text.Split('\n')[0];
}
