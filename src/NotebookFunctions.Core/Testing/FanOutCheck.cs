using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// Fan-out equivalence: the notebook run over its sample cut into K chunks exactly as production cuts it (the same
/// line splitter, the header repeated in every chunk, the same reserved parameters, the same merge rules, then the
/// reduce the notebook names over the same folder layout), and once over the whole sample; the final results must
/// agree. A mean computed per chunk and concatenated is the bug this finds.
/// </summary>
public sealed class FanOutCheck(TestSession session)
{
    /// <summary>The check of <paramref name="testCase"/>; <paramref name="notebook"/> gives a fresh copy of the map for every execution (they run at once).</summary>
    public async Task<TestResult> RunAsync(TestSuite suite, Func<Notebook> notebook, TestCase testCase, FanOutExpectation fanOut, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var work = ChunkWorkFolders.Create("fanout");
        TestResult Result(TestOutcome outcome, List<TestFailure> failures) => new(suite.DisplayName, testCase.Name, TestKind.FanOut, outcome, failures, clock.Elapsed);
        try
        {
            var input = testCase.Input!;
            if (!File.Exists(input) || !LineFiles.IsLineFile(input))
                return Result(TestOutcome.Error, [new TestFailure($"fan-out cuts one line-based file ({LineFiles.Described}); '{input}' is not one")]);
            var reduce = await ReduceOfAsync(suite, notebook(), cancellationToken);
            var (environment, redactor) = await session.ResolveSecretsAsync(testCase.Secrets, cancellationToken);
            var reader = new FileRangeReader(input);
            var header = LineFiles.HasHeader(input) ? await LineSplitter.HeaderLengthAsync(reader, cancellationToken) : 0;
            var target = Math.Max(1, (long)Math.Ceiling((reader.Length - header) / (double)fanOut.Chunks));
            var ranges = await LineSplitter.SplitAsync(reader, header, target, cancellationToken);
            if (ranges.Count < 2)
                return Result(TestOutcome.Error, [new TestFailure($"the sample '{Path.GetFileName(input)}' is too small to cut into {fanOut.Chunks} chunks: give a sample of several lines")]);

            var run = new FannedRun(session, suite, notebook, testCase, work, header, environment, redactor);
            var wholeTask = run.RunAsync("whole", [(header, reader.Length)], reduce, cancellationToken);
            var fannedTask = run.RunAsync($"{ranges.Count} chunks", ranges, reduce, cancellationToken);
            // Both halves end before either is read: the work folder goes when this returns, with nothing still writing in it.
            await Task.WhenAll(wholeTask, fannedTask);
            var (whole, fanned) = (await wholeTask, await fannedTask);
            if (whole.Failure is { } wholeFailure)
                return Result(whole.KernelDidNotStart ? TestOutcome.Error : TestOutcome.Failed, [CaseRunner.Redact(wholeFailure with { Message = $"over the whole sample, {wholeFailure.Message}" }, redactor)]);
            if (fanned.Failure is { } fannedFailure)
            {
                return Result(TestOutcome.Failed, [CaseRunner.Redact(fannedFailure with
                {
                    Message = $"over {ranges.Count} chunks, {fannedFailure.Message} (it ran over the whole sample): not safe to fan out as written",
                }, redactor)]);
            }

            var failures = await ResultComparer.CompareAsync(whole.Folder, fanned.Folder, ranges.Count, fanOut.Tolerance, cancellationToken);
            if (reduce is not null) failures.AddRange(ResultComparer.CompareScraps(whole.Scraps, fanned.Scraps, ranges.Count, fanOut.Tolerance));
            if (failures.Count > 0)
            {
                var what = reduce is null ? "its merged results" : $"its reduce's ({reduce.Name}) results";
                failures.Insert(0, new TestFailure(string.Create(CultureInfo.InvariantCulture,
                    $"not safe to fan out as written: over {ranges.Count} chunks {what} differ from one run over the whole sample")));
            }

            // Rows, columns and scraps may hold a secret's value: nothing leaves with it.
            return Result(failures.Count == 0 ? TestOutcome.Passed : TestOutcome.Failed, [.. failures.Select(f => CaseRunner.Redact(f, redactor))]);
        }
        catch (Exception e) when (e is ParameterException or SecretNotFoundException or IOException or UnauthorizedAccessException or NotebookFormatException)
        {
            return Result(TestOutcome.Error, [new TestFailure(e.Message)]);
        }
        finally
        {
            ChunkWorkFolders.Remove(work);
        }
    }

    /// <summary>The reduce the notebook names, loaded by the session's loader (by default: the .ipynb file beside it).</summary>
    /// <exception cref="NotebookFormatException">The metadata is malformed, or names a notebook that cannot be loaded.</exception>
    private async Task<ReduceFile?> ReduceOfAsync(TestSuite suite, Notebook notebook, CancellationToken cancellationToken)
    {
        var reduce = NotebookReduce.Of(notebook, suite.DisplayName);
        if (reduce is null) return null;
        var loaded = session.ReduceLoader is { } load
            ? await load(reduce, suite.DisplayName, cancellationToken)
            : BesideFile(suite, reduce);
        // Kept as text: the whole and the fanned run each parse their own copy, at the same time.
        return new ReduceFile(reduce.IsFile ? Path.GetFileName(reduce.Notebook) : reduce.Notebook, loaded.ToText(), reduce.Parameters ?? new JsonObject());
    }

    private static Notebook BesideFile(TestSuite suite, NotebookReduce reduce)
    {
        if (!reduce.IsFile)
            throw Problem(suite, $"the reduce '{reduce.Notebook}' is a published name; nbf test runs it from a file: name it as a .ipynb beside the notebook");
        var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(suite.NotebookPath)!, reduce.Notebook));
        if (!File.Exists(path)) throw Problem(suite, $"the reduce notebook '{reduce.Notebook}' is not there ({path})");
        return NotebookReader.Parse(File.ReadAllText(path), path);
    }

    public static NotebookFormatException Problem(TestSuite suite, string message) =>
        new(suite.DisplayName, [new NotebookProblem(message, Field: NotebookReduce.MetadataPath)]);

    private sealed record ReduceFile(string Name, string Text, JsonObject Parameters);

    /// <summary>Where one run's final results are (reduce outputs, or merged results), its final scraps, or how it failed.</summary>
    private sealed record RunOutcome(string Folder, JsonObject Scraps, TestFailure? Failure, bool KernelDidNotStart = false);

    /// <summary>One run of the notebook over a given cut of the sample, in its own folder, like a run's chunks and fan-in.</summary>
    private sealed class FannedRun(
        TestSession session, TestSuite suite, Func<Notebook> notebook, TestCase testCase, string work, long header,
        IReadOnlyDictionary<string, string> environment, SecretRedactor redactor)
    {
        public async Task<RunOutcome> RunAsync(string label, IReadOnlyList<(long Start, long End)> ranges, ReduceFile? reduce, CancellationToken cancellationToken)
        {
            var root = Directory.CreateDirectory(Path.Combine(work, ranges.Count == 1 ? "whole" : "fanned")).FullName;
            var runId = $"test-{TestSession.SafeName(testCase.Name)}-{ranges.Count}";
            var chunks = await Task.WhenAll(ranges.Select((range, index) => RunChunkAsync(root, runId, label, index, ranges.Count, range, cancellationToken)));
            if (chunks.FirstOrDefault(c => c.Failure is not null) is { } failed) return new RunOutcome(root, new JsonObject(), failed.Failure, failed.KernelDidNotStart);

            // Fan-in, as MergeResults and ExecuteReduce lay it out: merged files at the top, scraps.json, chunks/N/, chunks.json.
            var results = Directory.CreateDirectory(Path.Combine(root, "results")).FullName;
            var merged = chunks.Select(c => new MergedChunk(c.Index, runId, c.Files)).ToList();
            foreach (var result in ResultMergeRules.Plan(merged))
            {
                var target = Path.Combine(results, result.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await using var output = File.Create(target);
                var sources = result.Sources.Select(s => (Func<CancellationToken, Task<Stream>>)(_ =>
                    Task.FromResult<Stream>(File.OpenRead(Path.Combine(chunks[s.Chunk.Index].OutputDir, s.File)))));
                await ResultMergeRules.ConcatenateAsync(sources, output, result.SkipHeaders, cancellationToken);
            }

            if (reduce is null) return new RunOutcome(results, new JsonObject(), null);

            var gathered = Directory.CreateDirectory(Path.Combine(root, "reduce-input")).FullName;
            CopyFolder(results, gathered);
            var scraps = new JsonArray(chunks.Where(c => c.Scraps.Count > 0).Select(c => (JsonNode?)new JsonObject { ["chunk_index"] = c.Index, ["scraps"] = c.Scraps.DeepClone() }).ToArray());
            await File.WriteAllTextAsync(Path.Combine(gathered, "scraps.json"), CanonicalJsonWriter.Write(scraps) + "\n", cancellationToken);
            foreach (var chunk in chunks) CopyFolder(chunk.OutputDir, Path.Combine(gathered, "chunks", chunk.Index.ToString(CultureInfo.InvariantCulture)));
            var statuses = new JsonArray(chunks.Select(c => (JsonNode?)new JsonObject { ["index"] = c.Index, ["status"] = "succeeded" }).ToArray());
            await File.WriteAllTextAsync(Path.Combine(gathered, "chunks.json"), CanonicalJsonWriter.Write(statuses) + "\n", cancellationToken);

            var reduceWork = Directory.CreateDirectory(Path.Combine(root, "reduce")).FullName;
            var reduceOutput = Directory.CreateDirectory(Path.Combine(reduceWork, "output")).FullName;
            var outcome = await session.RunAsync(new SampleExecution
            {
                Notebook = NotebookReader.Parse(reduce.Text, reduce.Name),
                Label = $"{reduce.Name} [{testCase.Name}, reduce over {label}]",
                Parameters = reduce.Parameters,
                Reserved = new JsonObject
                {
                    [ReservedParameters.InputPath] = gathered,
                    [ReservedParameters.OutputDir] = reduceOutput,
                    [ReservedParameters.ChunkCount] = ranges.Count,
                    [ReservedParameters.RunId] = runId,
                    [ReservedParameters.FailedChunks] = new JsonArray(),
                },
                WorkFolder = reduceWork,
                Environment = environment,
                Redactor = redactor,
                Timeout = session.CaseTimeout,
            }, cancellationToken);
            await session.KeepAsync(suite, $"{testCase.Name}.reduce-{ranges.Count}", outcome.Result, redactor);
            var failure = outcome.Failure(redactor);
            return new RunOutcome(reduceOutput, ScrapReader.Read(outcome.Result.Notebook), failure is null ? null : failure with { Message = $"the reduce {reduce.Name} {failure.Message}" });
        }

        private async Task<ChunkOutcome> RunChunkAsync(string root, string runId, string label, int index, int count, (long Start, long End) range, CancellationToken cancellationToken)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, "chunks", index.ToString(CultureInfo.InvariantCulture))).FullName;
            var inputDir = Directory.CreateDirectory(Path.Combine(folder, "input")).FullName;
            var outputDir = Directory.CreateDirectory(Path.Combine(folder, "output")).FullName;
            // Cut as a run reads a local input in place: the header first, then the range.
            var sample = new FileInfo(testCase.Input!);
            var chunk = new ChunkSpec(index, LocalInputs.Container, sample.Name, LocalInputs.Identity(sample), range.Start, range.End - range.Start, header) { LocalRoot = sample.DirectoryName };
            var (inputPath, _) = await LocalInputs.CopyAsync(chunk, inputDir, cancellationToken);
            var outcome = await session.RunAsync(new SampleExecution
            {
                Notebook = notebook(),
                Label = $"{suite.DisplayName} [{testCase.Name}, chunk {index} of {label}]",
                Parameters = testCase.Parameters,
                Reserved = SampleInputs.Reserved(inputPath, outputDir, index, count, runId),
                WorkFolder = folder,
                Environment = environment,
                Redactor = redactor,
                Timeout = session.CaseTimeout,
            }, cancellationToken);
            await session.KeepAsync(suite, $"{testCase.Name}.{count}-chunks.{index}", outcome.Result, redactor);
            var failure = outcome.Failure(redactor);
            var files = LocalPaths.RelativeFiles(outputDir);
            return new ChunkOutcome(index, outputDir, files, ScrapReader.Read(outcome.Result.Notebook),
                failure is null ? null : failure with { Message = count == 1 ? failure.Message : $"chunk {index} {failure.Message}" },
                outcome.Result.Failure?.Kind == FailureKind.KernelStart);
        }

        private static void CopyFolder(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        }
    }

    private sealed record ChunkOutcome(int Index, string OutputDir, IReadOnlyList<string> Files, JsonObject Scraps, TestFailure? Failure, bool KernelDidNotStart);
}
