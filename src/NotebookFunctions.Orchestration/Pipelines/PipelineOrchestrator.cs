using Microsoft.DurableTask;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Pipelines;

/// <summary>
/// Runs a pipeline's steps as sub-orchestrations of <see cref="NotebookRunOrchestrator"/>, each as soon as the steps it
/// depends on have ended, so independent steps run at the same time. A step whose dependencies did not all succeed is
/// skipped (unless its run_if is all_done), and so are its own dependants. Deterministic: the graph is walked in the
/// order the steps are written; all I/O is in the steps and in RecordPipeline, which writes the manifest last.
/// </summary>
public sealed class PipelineOrchestrator : TaskOrchestrator<PipelineRequest, PipelineResult>
{
    /// <summary>The instance id of a step's run: not a shape a caller's run id can take ('@'), so no run collides with it.</summary>
    public static string StepInstanceId(string pipelineRunId, string step) => $"{pipelineRunId}@{step}";

    /// <summary>Whether an instance id is a pipeline step's (listed under its pipeline run, not as a run of its own).</summary>
    public static bool IsStepInstance(string instanceId) => instanceId.Contains('@', StringComparison.Ordinal);

    public override async Task<PipelineResult> RunAsync(TaskOrchestrationContext context, PipelineRequest request)
    {
        var runId = context.InstanceId;
        var startedAt = context.CurrentUtcDateTime;
        var outcomes = request.Steps.ToDictionary(s => s.Name, s => new StepOutcome
        {
            Name = s.Name,
            Status = s.Reused ? "Reused" : "Pending",
            Record = s.Record,
            DependsOn = s.DependsOn,
            Notebook = s.Request.Notebook,
        });
        var inFlight = new Dictionary<Task<RunResult>, string>();
        void Report() => context.SetCustomStatus(new PipelineProgress(request.Pipeline, request.Steps.Select(s => outcomes[s.Name]).ToList()));

        while (true)
        {
            // Skipping a step can settle its dependants in the same pass, so walk until nothing changes.
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var step in request.Steps.Where(s => outcomes[s.Name].Status == "Pending"))
                {
                    var dependencies = step.DependsOn.Select(d => outcomes[d]).ToList();
                    if (dependencies.Any(d => !d.HasEnded)) continue;
                    changed = true;
                    if (step.RunIf == RunIf.AllSucceeded && dependencies.FirstOrDefault(d => !d.LetsDependantsRun) is { } blocker)
                    {
                        outcomes[step.Name] = outcomes[step.Name] with { Status = "Skipped", Error = $"not run: step '{blocker.Name}' it depends on {(blocker.Status == "Skipped" ? "was skipped" : "failed")}" };
                        continue;
                    }

                    var run = context.CallSubOrchestratorAsync<RunResult>(
                        nameof(NotebookRunOrchestrator), step.Request, new SubOrchestrationOptions(new TaskOptions(), StepInstanceId(runId, step.Name)));
                    inFlight[run] = step.Name;
                    outcomes[step.Name] = outcomes[step.Name] with { Status = "Running", StartedAt = context.CurrentUtcDateTime };
                }
            }

            Report();
            if (inFlight.Count == 0) break;
            var done = await Task.WhenAny(inFlight.Keys);
            var name = inFlight[done];
            inFlight.Remove(done);
            outcomes[name] = await EndedAsync(done, outcomes[name]) with { EndedAt = context.CurrentUtcDateTime };
        }

        var steps = request.Steps.Select(s => outcomes[s.Name]).ToList();
        var status = steps.All(s => s.Status is "Completed" or "Reused") ? RunStatus.Completed
            : steps.All(s => s.LetsDependantsRun) ? RunStatus.CompletedWithFailures
            : RunStatus.Failed;
        var firstFailed = steps.FirstOrDefault(s => s.Status == "Failed");
        var skipped = steps.Count(s => s.Status == "Skipped");
        var error = firstFailed is null ? null
            : $"step '{firstFailed.Name}' failed: {firstFailed.Error}{(skipped == 0 ? string.Empty : $"; {skipped} step(s) that depend on it not run")}";
        var manifest = await context.CallActivityAsync<string>(nameof(RecordPipeline), new RecordPipelineInput(runId, request, steps, status, startedAt, error));
        var result = new PipelineResult(runId, status, steps, manifest, error);
        if (request.Notify.Count == 0) return result;
        var notice = new Notifications.RunNotice
        {
            Kind = "pipeline",
            RunId = runId,
            Name = request.Pipeline,
            Version = request.Version,
            Status = status,
            StartedAt = startedAt,
            EndedAt = context.CurrentUtcDateTime,
            Error = error,
            Chunks = steps.Sum(s => s.Chunks ?? 0),
            SucceededChunks = steps.Sum(s => s.SucceededChunks ?? 0),
            FailedChunks = steps.Sum(s => s.FailedChunks ?? 0),
            FailedSteps = steps.Where(s => s.Status is not ("Completed" or "Reused")).Take(Notifications.RunNotice.MaxFailuresListed)
                .Select(s => new Notifications.NoticeStep(s.Name, s.Status, s.Error)).ToList(),
            Secrets = request.Steps.SelectMany(s => s.Request.Secrets).Distinct(StringComparer.Ordinal).ToList(),
            RepairOf = request.RepairOf,
        };
        return result with { Notifications = await Notifications.NotificationDelivery.DeliverAsync(context, request.Notify, notice) };
    }

    private static async Task<StepOutcome> EndedAsync(Task<RunResult> run, StepOutcome outcome)
    {
        try
        {
            var result = await run;
            return outcome with
            {
                Status = result.Status.ToString(),
                Chunks = result.ChunkCount,
                SucceededChunks = result.Succeeded,
                FailedChunks = result.Failed,
                Error = result.Error,
            };
        }
        catch (TaskFailedException e)
        {
            // The step's orchestration itself failed (a bug or an outage, not a notebook): the step failed, the graph goes on.
            return outcome with { Status = "Failed", Error = e.FailureDetails?.ErrorMessage ?? e.Message };
        }
    }
}
