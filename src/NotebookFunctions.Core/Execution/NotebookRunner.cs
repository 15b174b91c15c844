using System.Text;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;

namespace NotebookFunctions.Core.Execution;

/// <summary>What to run: a notebook file, its parameters, where to write the executed copy.</summary>
public sealed record NotebookRunRequest
{
    public required string NotebookPath { get; init; }

    /// <summary>Where the executed notebook goes; not written when null.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Values to inject, in order.</summary>
    public JsonObject Parameters { get; init; } = new();

    /// <summary>Names the system injects beside the user's (reserved parameters) that need no declaration.</summary>
    public IReadOnlyCollection<string> ReservedParameters { get; init; } = [];

    /// <summary>Kernel working directory; the notebook's folder when null, as with nbclient and papermill.</summary>
    public string? WorkingDirectory { get; init; }

    public ExecutionOptions Options { get; init; } = new();

    /// <summary>Applied to the executed notebook before it is written (the values of the secrets the kernel got).</summary>
    public Secrets.SecretRedactor Redactor { get; init; } = Secrets.SecretRedactor.None;
}

/// <summary>papermill's execute_notebook: read, validate parameters, inject, execute, write the output notebook (also on failure).</summary>
public sealed class NotebookRunner
{
    private readonly NotebookExecutor _executor;

    public NotebookRunner(NotebookExecutor executor) => _executor = executor;

    /// <exception cref="NotebookFormatException">The notebook cannot be read.</exception>
    /// <exception cref="ParameterException">Parameters do not fit the notebook's schema (no kernel was started).</exception>
    public async Task<ExecutionResult> RunAsync(NotebookRunRequest request, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadAsync(request.NotebookPath, cancellationToken);
        var notebook = NotebookReader.Parse(Encoding.UTF8.GetString(bytes), request.NotebookPath);
        var kernelName = request.Options.KernelName ?? notebook.KernelName;

        if (request.Parameters.Count > 0)
        {
            var schema = ParameterSchema.Infer(notebook, kernelName);
            ParameterValidator.Validate(request.NotebookPath, schema, request.Parameters, request.ReservedParameters);
            ParameterInjector.Inject(notebook, request.Parameters, Translators.For(kernelName, notebook.Language));
        }
        else
        {
            PapermillMetadata.Reset(notebook, []);
        }

        var options = request.Options with
        {
            NotebookName = request.Options.NotebookName == "notebook" ? request.NotebookPath : request.Options.NotebookName,
            WorkingDirectory = request.WorkingDirectory ?? Path.GetDirectoryName(Path.GetFullPath(request.NotebookPath)),
        };
        var result = await _executor.ExecuteAsync(notebook, options, cancellationToken);

        var record = (JsonObject)result.Notebook.Metadata[ExecutionMetadata.Key]!;
        record["input_path"] = request.NotebookPath;
        record["input_sha256"] = Notebook.Sha256(bytes);
        record["parameters"] = request.Parameters.DeepClone();
        PapermillMetadata.RecordPaths(result.Notebook, request.NotebookPath, request.OutputPath);
        if (request.OutputPath is not null)
        {
            record["output_path"] = request.OutputPath;
            await NotebookWriter.WriteAtomicallyAsync(request.Redactor.RedactNotebook(result.Notebook), request.OutputPath, cancellationToken);
        }

        return result;
    }

    private static async Task<byte[]> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException(path, [new NotebookProblem($"cannot read the file: {e.Message}")]);
        }
    }
}
