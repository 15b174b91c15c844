using System.CommandLine;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf run</c>: execute one notebook on a fresh kernel, papermill-style.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var notebook = new Argument<string>("notebook") { Description = "The .ipynb file to run; with --input, also the name of a published notebook; or a pipeline file (*.pipeline.yaml), run as one durable run of its steps." };
        var parameters = new Option<string[]>("--parameter", "-p")
        {
            Description = "A parameter as name=value (repeatable). Typed by the notebook's parameters cell; else True/False/None/int/float/string.",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var parameterFile = new Option<string?>("--parameters-file", "-f") { Description = "A YAML or JSON file of parameters; -p values override it." };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the executed notebook (default: NOTEBOOK with .output.ipynb)." };
        var kernel = new Option<string?>("--kernel", "-k") { Description = "Kernelspec name (default: the notebook's, else python3)." };
        var cwd = new Option<string?>("--cwd") { Description = "The kernel's working directory (default: the notebook's folder)." };
        var cellTimeout = new Option<double?>("--cell-timeout") { Description = "Seconds any one cell may run before it is interrupted and the run fails." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds the whole notebook may run." };
        var allowErrors = new Option<bool>("--allow-errors") { Description = "Keep going after a failing cell; errors stay in the output notebook." };
        var logOutput = new Option<bool>("--log-output") { Description = "Print the cells' stdout and stderr as they run." };
        var input = new Option<string?>("--input", "-i") { Description = "Fan out over data: a local file or folder (uploaded first) or container/prefix in storage. Runs on the local durable host, or with --api on a backend." };
        var split = new Option<string>("--split") { Description = "Target chunk size when splitting CSV/JSONL input (e.g. 64MB, or a byte count).", DefaultValueFactory = _ => "64MB" };
        var perBlob = new Option<bool>("--per-blob") { Description = "One chunk per input blob instead of splitting." };
        var whole = new Option<bool>("--whole") { Description = "One chunk of the whole input: the notebook runs once, its input_path a folder of every input file." };
        var glob = new Option<string?>("--glob") { Description = "Only input blobs whose names (below the prefix) match, e.g. **/*.csv." };
        var parallel = new Option<int>("--parallel") { Description = "Chunks run at once.", DefaultValueFactory = _ => 2 };
        var runId = new Option<string?>("--run-id") { Description = "The run's id (local host); an existing run with this id is followed instead of started again." };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Runs asked for with the same key are one run: a retry finds the first instead of starting another." };
        var version = new Option<string?>("--version") { Description = "With a published notebook's name: the version (sha256) to run; the latest by default." };
        var publish = new Option<bool>("--publish") { Description = "With --api: publish the notebook file first, then run the version published." };
        var upload = new Option<bool>("--upload") { Description = "With a local --input: upload it to the local storage first, as a copy the run owns, instead of reading it in place (a resumed or repaired run then never depends on the file)." };
        var detach = new Option<bool>("--detach") { Description = "Print the run's id and return once it is started, instead of following it." };
        var connection = new Remote.ApiConnection();
        var attempts = new Option<int>("--max-attempts") { Description = "Tries per chunk before it counts as failed.", DefaultValueFactory = _ => 2 };
        var continueOnFailure = new Option<bool>("--continue-on-failure") { Description = "Run all chunks even when some fail; merge the ones that succeeded." };
        var chunkTimeout = new Option<double?>("--chunk-timeout") { Description = "Seconds one chunk's notebook may run." };
        var memoryLimit = new Option<string?>("--memory-limit") { Description = "Each kernel's memory limit, e.g. 2GB or 512MB (default: the notebook's metadata.notebook_functions.memory_limit_mb, else the host's NBF_KERNEL_MEMORY_LIMIT_MB, else none). A cell past it fails as out of memory, naming the cell and its peak." };
        var reduce = new Option<string?>("--reduce") { Description = "With --input: a notebook run once over the merged results for the final answer (a file, published with the notebook, or a published name). Default: the one the notebook names in metadata.notebook_functions.reduce." };
        var reduceParameters = new Option<string[]>("--reduce-parameter", "-r")
        {
            Description = "A parameter of the reduce notebook as name=value (repeatable), typed by its parameters cell.",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var secrets = new Option<string[]>("--secret")
        {
            Description = "A secret the kernel gets as an environment variable of the same name (repeatable): from NBF_KEY_VAULT_URI's vault, this environment or ./local.settings.json; masked as *** in outputs and never written to the run's history.",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var notify = new Option<string[]>("--notify")
        {
            Description = NotifyOption.Description,
            Arity = ArgumentArity.ZeroOrMore,
        };

        var command = new Command("run", "Run a notebook on a fresh kernel and write the executed notebook.")
        {
            notebook, parameters, parameterFile, output, kernel, cwd, cellTimeout, timeout, allowErrors, logOutput,
            input, split, perBlob, whole, glob, parallel, runId, idempotencyKey, version, publish, upload, detach, attempts, continueOnFailure, chunkTimeout, memoryLimit, secrets,
            reduce, reduceParameters, notify,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(notebook)!;
            if (PipelineFile.IsPipeline(path))
            {
                return await CommandErrors.GuardAsync("run", () => PipelineRun.RunAsync(new PipelineRunOptions
                {
                    Path = path,
                    ParametersFile = parse.GetValue(parameterFile),
                    ParameterPairs = parse.GetValue(parameters) ?? [],
                    Parallel = parse.GetValue(parallel),
                    RunId = parse.GetValue(runId),
                    IdempotencyKey = parse.GetValue(idempotencyKey),
                    Publish = parse.GetValue(publish),
                    Detach = parse.GetValue(detach),
                    Notify = parse.GetValue(notify) ?? [],
                }, connection, parse, cancellationToken));
            }

            if (!MemoryLimitOption.TryParse(parse.GetValue(memoryLimit), out var memoryLimitMB, out var memoryProblem))
            {
                Console.Error.WriteLine($"nbf run: {memoryProblem}");
                return ExitCodes.InvalidInput;
            }

            // A plain run's kernel server starts now, so its imports overlap the checks and parameters below.
            if (parse.GetValue(input) is null && connection.BaseUrl(parse) is null) WarmUpKernel(path, parse.GetValue(kernel));

            // A notebook with a credential in it never runs: the value would end up in outputs and history.
            if ((File.Exists(path) || parse.GetValue(input) is null) && ScanCommand.Refuse(path, "nbf run")) return ExitCodes.InvalidInput;

            if (parse.GetValue(input) is { } inputPath)
            {
                return await CommandErrors.GuardAsync("run", () => FanOutRun.RunAsync(new FanOutOptions
                {
                    Notebook = path,
                    Input = inputPath,
                    Version = parse.GetValue(version),
                    Publish = parse.GetValue(publish),
                    ParametersFile = parse.GetValue(parameterFile),
                    ParameterPairs = parse.GetValue(parameters) ?? [],
                    ChunkSize = parse.GetValue(split),
                    PerBlob = parse.GetValue(perBlob),
                    Whole = parse.GetValue(whole),
                    Glob = parse.GetValue(glob),
                    Parallel = parse.GetValue(parallel),
                    RunId = parse.GetValue(runId),
                    IdempotencyKey = parse.GetValue(idempotencyKey),
                    MaxAttempts = parse.GetValue(attempts),
                    ContinueOnFailure = parse.GetValue(continueOnFailure),
                    Kernel = parse.GetValue(kernel),
                    CellTimeoutSeconds = parse.GetValue(cellTimeout),
                    ChunkTimeoutSeconds = parse.GetValue(chunkTimeout),
                    MemoryLimitMB = memoryLimitMB,
                    Secrets = parse.GetValue(secrets) ?? [],
                    Detach = parse.GetValue(detach),
                    Upload = parse.GetValue(upload),
                    Reduce = parse.GetValue(reduce),
                    ReduceParameterPairs = parse.GetValue(reduceParameters) ?? [],
                    Notify = parse.GetValue(notify) ?? [],
                }, connection, parse, cancellationToken));
            }

            if (parse.GetValue(notify) is { Length: > 0 })
            {
                Console.Error.WriteLine("nbf run: notifications are sent by the durable host when a fan-out run ends: give --input too (field 'notify')");
                return ExitCodes.InvalidInput;
            }

            if (parse.GetValue(reduce) is not null || parse.GetValue(reduceParameters) is { Length: > 0 })
            {
                Console.Error.WriteLine("nbf run: a reduce runs over the merged results of a fan-out: give --input too (field 'reduce')");
                return ExitCodes.InvalidInput;
            }

            if (connection.BaseUrl(parse) is not null)
            {
                Console.Error.WriteLine("nbf run: a run on a backend fans out over data: give --input container/prefix (field 'input')");
                return ExitCodes.InvalidInput;
            }

            JsonObject values;
            int? limitMB;
            try
            {
                values = ParameterValues.Collect(parse.GetValue(parameterFile), parse.GetValue(parameters) ?? [], () => ParameterSchema.Infer(NotebookReader.Read(path), parse.GetValue(kernel)));
                limitMB = Orchestration.Runs.MemoryLimitDefaults.Resolve(memoryLimitMB, NotebookReader.Read(path), path).MB;
            }
            catch (Exception e) when (e is ParameterException or NotebookFormatException or InvalidOperationException)
            {
                Console.Error.WriteLine($"nbf run: {e.Message}");
                return ExitCodes.InvalidInput;
            }

            var outputPath = parse.GetValue(output) ?? DefaultOutputPath(path);
            Dictionary<string, string> secretValues;
            try
            {
                secretValues = await Core.Secrets.SecretResolver.ResolveAsync(Core.Secrets.SecretSources.ForLocalHost(), parse.GetValue(secrets) ?? [], cancellationToken);
            }
            catch (Core.Secrets.SecretNotFoundException e)
            {
                Console.Error.WriteLine($"nbf run: {e.Message}");
                return ExitCodes.InvalidInput;
            }

            var redactor = Core.Secrets.SecretRedactor.For(secretValues.Values);
            var request = new NotebookRunRequest
            {
                NotebookPath = path,
                OutputPath = outputPath,
                Parameters = values,
                WorkingDirectory = parse.GetValue(cwd),
                Options = new ExecutionOptions
                {
                    KernelName = parse.GetValue(kernel),
                    CellTimeout = Seconds(parse.GetValue(cellTimeout)),
                    Timeout = Seconds(parse.GetValue(timeout)),
                    AllowErrors = parse.GetValue(allowErrors),
                    Observer = new ProgressDisplay(parse.GetValue(logOutput), redactor),
                    Environment = secretValues,
                    MemoryLimitBytes = limitMB is { } mb ? (long)mb << 20 : null,
                },
                Redactor = redactor,
            };
            return await RunAsync(request, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(NotebookRunRequest request, CancellationToken cancellationToken)
    {
        ExecutionResult result;
        try
        {
            result = await new NotebookRunner(new NotebookExecutor()).RunAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is ParameterException or NotebookFormatException)
        {
            Console.Error.WriteLine($"nbf run: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        if (result.Succeeded)
        {
            Console.Error.WriteLine($"nbf run: {request.NotebookPath} succeeded in {result.Duration.TotalSeconds:0.00} s{PeakText(result)}; executed notebook: {request.OutputPath}");
            return ExitCodes.Success;
        }

        var failure = result.Failure!;
        Console.Error.WriteLine($"nbf run: {request.Redactor.Redact(failure.Summary)}");
        Console.Error.WriteLine($"nbf run: executed notebook (failing cell marked): {request.OutputPath}");
        return failure.Kind switch
        {
            FailureKind.KernelStart => ExitCodes.KernelUnavailable,
            FailureKind.Cancelled => ExitCodes.Cancelled,
            _ => ExitCodes.NotebookFailed,
        };
    }

    /// <summary>", peak 180 MB of 512 MB limit": what the kernel took, beside what it was allowed.</summary>
    private static string PeakText(ExecutionResult result) =>
        result.PeakMemoryBytes is not { } peak ? string.Empty
        : $", peak {CellMemory.Megabytes(peak):0.#} MB{(result.MemoryLimitBytes is { } limit ? $" of {limit >> 20} MB limit" : string.Empty)}";

    private static void WarmUpKernel(string path, string? kernelName)
    {
        try
        {
            Kernel.WarmUp(new KernelSpecFinder().Find(kernelName ?? NotebookReader.Read(path).KernelName));
        }
        catch (Exception e) when (e is NotebookFormatException or KernelStartException)
        {
            // The run itself reads the notebook and finds its kernel again, and says what is wrong.
        }
    }

    private static string DefaultOutputPath(string notebookPath)
    {
        var dir = Path.GetDirectoryName(notebookPath) ?? string.Empty;
        return Path.Combine(dir, Path.GetFileNameWithoutExtension(notebookPath) + ".output.ipynb");
    }

    private static TimeSpan? Seconds(double? value) => value is > 0 ? TimeSpan.FromSeconds(value.Value) : null;
}
