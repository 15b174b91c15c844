using System.Text.Json.Nodes;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Kernels.Memory;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Telemetry;

namespace NotebookFunctions.Core.Execution;

/// <summary>
/// Runs every code cell of a notebook on a fresh kernel, in order, recording outputs as nbclient does, and adds
/// what nbclient lacks: cell and notebook timeouts that really stop the kernel, output caps, and a failure record
/// naming the cell. The notebook passed in is not modified; the result holds the executed copy.
/// </summary>
public sealed class NotebookExecutor
{
    /// <summary>Cells with this tag are not run (nbclient's skip_cells_with_tag default).</summary>
    public const string SkipTag = "skip-execution";

    /// <summary>Cells with this tag may raise without failing the run.</summary>
    public const string RaisesTag = "raises-exception";

    /// <summary>How long to wait for the idle status after a reply (nbclient's iopub_timeout).</summary>
    private static readonly TimeSpan IoPubGrace = TimeSpan.FromSeconds(10);

    private readonly IKernelProvider _kernels;
    private readonly KernelSpecFinder _specs;

    public NotebookExecutor(IKernelProvider? kernels = null, KernelSpecFinder? specs = null)
    {
        _kernels = kernels ?? new FreshKernelProvider();
        _specs = specs ?? new KernelSpecFinder();
    }

    public async Task<ExecutionResult> ExecuteAsync(Notebook input, ExecutionOptions options, CancellationToken cancellationToken = default)
    {
        var notebook = input.Clone();
        var start = DateTimeOffset.UtcNow;
        ErrorBanner.RemoveExisting(notebook);
        ClearOutputs(notebook);

        using var notebookDeadline = new CancellationTokenSource();
        if (options.Timeout is { } total) notebookDeadline.CancelAfter(total);
        using var runToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, notebookDeadline.Token);

        var run = new Run(notebook, options, start);
        KernelSpec spec;
        Kernel kernel;
        // A limited kernel first reserves its limit from the host's memory: the host never runs more than fit.
        IDisposable? reserved = null;
        try
        {
            spec = _specs.Find(options.KernelName ?? notebook.KernelName);
            if (options.MemoryLimitBytes is { } reserve) reserved = await HostMemoryBudget.Shared.ReserveAsync(reserve, runToken.Token);
            kernel = await _kernels.AcquireAsync(spec, new KernelStartOptions
            {
                WorkingDirectory = options.WorkingDirectory,
                Environment = options.Environment,
            }, runToken.Token);
        }
        catch (KernelStartException e)
        {
            reserved?.Dispose();
            return run.Finish(new ExecutionFailure(FailureKind.KernelStart, options.NotebookName, null, null, null, "KernelStartError", e.Message, [], null));
        }
        catch (OperationCanceledException)
        {
            reserved?.Dispose();
            var kind = cancellationToken.IsCancellationRequested ? FailureKind.Cancelled : FailureKind.NotebookTimeout;
            return run.Finish(new ExecutionFailure(kind, options.NotebookName, null, null, null, kind.ToString(), "before the kernel was ready", [], null));
        }

        ExecutionFailure? failure = null;
        KernelMemoryWatch? memory = null;
        try
        {
            if (options.MemoryLimitBytes is { } limit)
            {
                try
                {
                    kernel.LimitMemory(limit);
                }
                catch (InvalidOperationException e)
                {
                    return run.Finish(new ExecutionFailure(FailureKind.KernelStart, options.NotebookName, null, null, null, "MemoryLimitError", e.Message, [], null));
                }

                run.MemoryLimitBytes = limit;
            }

            memory = new KernelMemoryWatch(kernel, options.RecordMemory || options.MemoryLimitBytes is not null);
            run.BaselineMemoryBytes = memory.Baseline;
            run.KernelInfo = kernel.Info;
            RecordLanguageInfo(notebook, kernel);
            var codeCells = notebook.Cells.Count(IsRunnable);
            options.Observer?.KernelReady(spec.Name, codeCells);
            var recorder = new OutputRecorder(notebook, options.MaxCellOutputBytes, options.MaxNotebookOutputBytes, options.Observer);
            var ordinal = 0;
            for (var index = 0; index < notebook.Cells.Count; index++)
            {
                var cell = notebook.Cells[index];
                if (!IsRunnable(cell))
                {
                    if (cell.IsCode && cell.HasTag(SkipTag)) options.Observer?.CellFinished(index, CellStatus.Skipped, TimeSpan.Zero);
                    continue;
                }

                ordinal++;
                using var span = Telemetry.CellSpans.Start(options.NotebookName, index, cell.Id);
                var outcome = await RunCellAsync(kernel, memory, notebook, index, ordinal, codeCells, recorder, options, cancellationToken, notebookDeadline.Token, runToken.Token);
                var redact = options.Redactor;
                var failed = outcome.Failure is { } f
                    ? new Telemetry.CellFailureRecord(f.CellId, redact.Redact(f.EName), redact.Redact(f.EValue), redact.Redact(Telemetry.NotebookTelemetry.Excerpt(cell.Source)))
                    : null;
                Telemetry.CellSpans.Finish(span, options.NotebookName, index, outcome.Result.Status.ToString(), outcome.Result.Duration, outcome.Result.ExecutionCount, failed);
                run.Cells.Add(outcome.Result);
                options.Observer?.CellFinished(index, outcome.Result.Status, outcome.Result.Duration);
                failure = outcome.Failure;
                if (failure is not null || outcome.StopQuietly) break;
            }

            // While the kernel still lives (also after a failure): what it took, and what it ran on.
            run.PeakMemoryBytes = memory.Peak;
            if (options.CaptureEnvironment) run.Environment = await ProbeEnvironmentAsync(kernel, spec, runToken.Token);
        }
        finally
        {
            if (memory is not null) await memory.DisposeAsync();
            await _kernels.ReleaseAsync(kernel);
            reserved?.Dispose();
        }

        return run.Finish(failure);
    }

    /// <summary>
    /// Checks <paramref name="requirements"/> on a kernel of the spec a run would use, from this executor's provider
    /// (a warm one from the pool), which is then thrown away like any other.
    /// </summary>
    /// <exception cref="KernelStartException">No kernel of that spec could be started.</exception>
    /// <exception cref="EnvironmentCheckException">The kernel cannot run the check.</exception>
    public async Task<EnvironmentReport> CheckEnvironmentAsync(string? kernelName, IReadOnlyList<string> requirements, CancellationToken cancellationToken)
    {
        var spec = _specs.Find(kernelName);
        var kernel = await _kernels.AcquireAsync(spec, new KernelStartOptions(), cancellationToken);
        try
        {
            return await EnvironmentCheck.RunAsync(kernel, requirements, cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new EnvironmentCheckException("the kernel did not answer the requirements check within 60 s");
        }
        finally
        {
            await _kernels.ReleaseAsync(kernel);
        }
    }

    private static async Task<JsonObject?> ProbeEnvironmentAsync(Kernel kernel, KernelSpec spec, CancellationToken cancellationToken)
    {
        var probe = KernelSetupCode.EnvironmentProbe(spec.Language);
        if (probe is null || !kernel.IsAlive) return null;
        try
        {
            var text = await kernel.EvaluateAsync(probe, cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return text is null ? null : JsonNode.Parse(text) as JsonObject;
        }
        catch (Exception e) when (e is KernelDiedException or TimeoutException or OperationCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static bool IsRunnable(Cell cell) => cell.IsCode && !string.IsNullOrWhiteSpace(cell.Source) && !cell.HasTag(SkipTag);

    private async Task<CellOutcome> RunCellAsync(
        Kernel kernel, KernelMemoryWatch memory, Notebook notebook, int index, int ordinal, int codeCells, OutputRecorder recorder, ExecutionOptions options,
        CancellationToken callerToken, CancellationToken notebookDeadline, CancellationToken runToken)
    {
        var cell = notebook.Cells[index];
        var source = cell.Source;
        var allowErrors = options.AllowErrors || cell.HasTag(RaisesTag);
        options.Observer?.CellStarted(index, ordinal, codeCells, source);
        recorder.BeginCell(index);
        memory.BeginCell();
        var started = DateTimeOffset.UtcNow;

        using var cellDeadline = new CancellationTokenSource();
        if (options.CellTimeout is { } cellTimeout) cellDeadline.CancelAfter(cellTimeout);
        using var cellToken = CancellationTokenSource.CreateLinkedTokenSource(runToken, cellDeadline.Token);

        var request = kernel.Execute(source, stopOnError: !allowErrors);
        var pump = PumpAsync(request, recorder);
        FailureKind? stopped = null;
        try
        {
            await WaitForCellAsync(request, pump, cellToken.Token);
        }
        catch (OperationCanceledException)
        {
            stopped = callerToken.IsCancellationRequested ? FailureKind.Cancelled
                : notebookDeadline.IsCancellationRequested ? FailureKind.NotebookTimeout
                : FailureKind.CellTimeout;
            await StopCellAsync(kernel, request, pump, options.InterruptGrace);
        }
        catch (KernelDiedException)
        {
            // Reported below from the kernel's state.
        }

        var duration = DateTimeOffset.UtcNow - started;
        var cellPeak = memory.EndCell();
        ExecutionFailure? failure = null;
        var status = CellStatus.Succeeded;
        var stopQuietly = false;
        if (stopped == FailureKind.CellTimeout && allowErrors && request.Reply.IsCompletedSuccessfully)
        {
            // As nbclient does with allow_errors and interrupt_on_timeout: the interrupted cell's own error (the
            // KeyboardInterrupt its kernel reported) is its output, and the notebook goes on, the kernel being alive.
            recorder.OnReply(request.Reply.Result);
            status = CellStatus.FailedAllowed;
        }
        else if (stopped is { } kind)
        {
            var (ename, evalue) = kind switch
            {
                FailureKind.CellTimeout => ("CellTimeoutError", $"cell {index} did not finish within {Seconds(options.CellTimeout)}; the kernel was interrupted"),
                FailureKind.NotebookTimeout => ("NotebookTimeoutError", $"the notebook did not finish within {Seconds(options.Timeout)}; stopped in cell {index}"),
                _ => ("Cancelled", $"the run was cancelled during cell {index}"),
            };
            recorder.AddError(ename, evalue);
            status = kind == FailureKind.Cancelled ? CellStatus.Cancelled : CellStatus.TimedOut;
            failure = Failure(kind, options, cell, index, recorder.ExecutionCount, ename, evalue, [], source);
        }
        else if (!request.Reply.IsCompletedSuccessfully)
        {
            var died = request.Reply.Exception?.InnerException as KernelDiedException ?? new KernelDiedException(null, kernel.StderrTail);
            status = CellStatus.KernelDied;
            if (memory.ExplainsFailure(FailureKind.KernelDied, string.Empty, died.StderrTail))
            {
                var evalue = $"{OutOfMemoryText(cellPeak, kernel)} (the kernel was killed)";
                recorder.AddError("OutOfMemoryError", evalue);
                failure = Failure(FailureKind.OutOfMemory, options, cell, index, recorder.ExecutionCount, "OutOfMemoryError", evalue, [], source);
            }
            else
            {
                var evalue = $"the kernel died while running cell {index}: {died.Message}";
                recorder.AddError("DeadKernelError", evalue);
                failure = Failure(FailureKind.KernelDied, options, cell, index, recorder.ExecutionCount, "DeadKernelError", evalue, [], source);
            }
        }
        else
        {
            var reply = request.Reply.Result;
            recorder.OnReply(reply);
            var content = reply.Content;
            if (content["status"]?.GetValue<string>() == "error")
            {
                var ename = content["ename"]?.GetValue<string>() ?? "Error";
                var evalue = content["evalue"]?.GetValue<string>() ?? string.Empty;
                if (ename == "SystemExit" && evalue is "" or "0")
                {
                    // papermill treats sys.exit(0) as a clean early stop, not a failure.
                    stopQuietly = true;
                }
                else if (allowErrors)
                {
                    status = CellStatus.FailedAllowed;
                }
                else
                {
                    status = CellStatus.Failed;
                    var traceback = content["traceback"] is JsonArray tb ? tb.Select(t => t?.GetValue<string>() ?? string.Empty).ToList() : [];
                    failure = memory.ExplainsFailure(FailureKind.CellError, ename, string.Empty)
                        ? Failure(FailureKind.OutOfMemory, options, cell, index, recorder.ExecutionCount, ename, $"{OutOfMemoryText(cellPeak, kernel)} ({(evalue.Length == 0 ? ename : $"{ename}: {evalue}")})", traceback, source)
                        : Failure(FailureKind.CellError, options, cell, index, recorder.ExecutionCount, ename, evalue, traceback, source);
                }
            }
        }

        recorder.EndCell();
        CellMemory.Record(cell, cellPeak);
        var result = new CellResult(index, status, recorder.ExecutionCount, duration, recorder.DroppedBytes) { PeakMemoryBytes = cellPeak };
        return new CellOutcome(result, failure, stopQuietly);
    }

    private static async Task WaitForCellAsync(KernelRequest request, Task pump, CancellationToken token)
    {
        await request.Reply.WaitAsync(token);
        // The reply can come before the last outputs; wait for the idle status, but not forever if it was lost.
        var idle = await Task.WhenAny(pump, Task.Delay(IoPubGrace, token));
        if (idle == pump) await pump;
    }

    private static async Task PumpAsync(KernelRequest request, OutputRecorder recorder)
    {
        await foreach (var message in request.IoPub.ReadAllAsync()) recorder.Handle(message);
    }

    /// <summary>Interrupts the cell; kills the kernel if it is still busy after the grace period.</summary>
    private static async Task StopCellAsync(Kernel kernel, KernelRequest request, Task pump, TimeSpan grace)
    {
        await kernel.InterruptAsync();
        try
        {
            await Task.WhenAll(request.Reply, pump).WaitAsync(grace);
        }
        catch (Exception e) when (e is TimeoutException or KernelDiedException)
        {
            kernel.Kill();
        }
    }

    private static ExecutionFailure Failure(FailureKind kind, ExecutionOptions options, Cell cell, int index, int? count, string ename, string evalue, IReadOnlyList<string> traceback, string source) =>
        new(kind, options.NotebookName, index, cell.Id, count, ename, evalue, traceback, source);

    /// <summary>"peak X MB of Y MB limit": the words an out-of-memory failure carries everywhere it is shown.</summary>
    private static string OutOfMemoryText(long? peak, Kernel kernel) =>
        $"peak {(peak is { } p ? CellMemory.Megabytes(p).ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")} MB of {kernel.MemoryLimit!.Bytes >> 20} MB limit";

    private static string Seconds(TimeSpan? t) => t is { } v ? $"{v.TotalSeconds:0.###} s" : "the limit";

    private static void ClearOutputs(Notebook notebook)
    {
        foreach (var cell in notebook.Cells.Where(c => c.IsCode))
        {
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
            cell.Metadata.Remove("execution");
            CellMemory.Clear(cell);
        }
    }

    private static void RecordLanguageInfo(Notebook notebook, Kernel kernel)
    {
        if (kernel.Info["language_info"] is JsonObject info) notebook.Metadata["language_info"] = info.DeepClone();
    }

    private sealed record CellOutcome(CellResult Result, ExecutionFailure? Failure, bool StopQuietly);

    /// <summary>State of one execution, finished into an <see cref="ExecutionResult"/>.</summary>
    private sealed class Run(Notebook notebook, ExecutionOptions options, DateTimeOffset start)
    {
        public List<CellResult> Cells { get; } = [];

        public JsonObject KernelInfo { get; set; } = new();

        public JsonObject? Environment { get; set; }

        public long? PeakMemoryBytes { get; set; }

        public long? BaselineMemoryBytes { get; set; }

        public long? MemoryLimitBytes { get; set; }

        public ExecutionResult Finish(ExecutionFailure? failure)
        {
            var end = DateTimeOffset.UtcNow;
            foreach (var cell in notebook.Cells) NbformatShape.SplitOutputLines(cell);
            if (failure is not null) ErrorBanner.Insert(notebook, failure);
            ExecutionMetadata.Record(notebook, options, KernelInfo, start, end, failure);
            return new ExecutionResult(notebook, failure, start, end, Cells, KernelInfo) { Environment = Environment, PeakMemoryBytes = PeakMemoryBytes, BaselineMemoryBytes = BaselineMemoryBytes, MemoryLimitBytes = MemoryLimitBytes };
        }
    }
}
