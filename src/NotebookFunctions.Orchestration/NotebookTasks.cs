using Microsoft.DurableTask;
using NotebookFunctions.Orchestration.Activities;

namespace NotebookFunctions.Orchestration;

/// <summary>Registers the orchestrator and activities with any Durable Task host (Functions, the local host, tests).</summary>
public static class NotebookTasks
{
    public static DurableTaskRegistry AddNotebookTasks(this DurableTaskRegistry registry) => registry
        .AddOrchestrator<NotebookRunOrchestrator>()
        .AddOrchestrator<Pipelines.PipelineOrchestrator>()
        .AddOrchestrator<ChunkBatchOrchestrator>()
        .AddActivity<PlanChunks>()
        .AddActivity<ExecuteChunk>()
        .AddActivity<ReadPlanSlice>()
        .AddActivity<StoreChunkRecords>()
        .AddActivity<MergeResults>()
        .AddActivity<ExecuteReduce>()
        .AddActivity<RecordRun>()
        .AddActivity<Notifications.DeliverNotification>()
        .AddActivity<Pipelines.RecordPipeline>();
}
