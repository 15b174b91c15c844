using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Api.Schedules;

namespace NotebookFunctions.FunctionApp.Functions;

/// <summary>Every minute: starts the due occurrence of each enabled schedule (once per occurrence, whatever fires twice).</summary>
public sealed class ScheduleTimerFunction(ScheduleTicker ticker, TimeProvider clock, ILogger<ScheduleTimerFunction> logger)
{
    public const string Name = "ScheduleTick";

    [Function(Name)]
    public async Task Tick([TimerTrigger("0 * * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        foreach (var tick in await ticker.TickAsync(client, clock.GetUtcNow(), cancellationToken))
        {
            if (tick.Error is not null)
                logger.LogError("Schedule {Schedule} occurrence {Occurrence:o} was not started: {Error}", tick.Schedule, tick.Occurrence, Api.LogText.Quote(tick.Error));
            else
                logger.LogInformation("Schedule {Schedule} occurrence {Occurrence:o}: run {RunId} {Outcome}", tick.Schedule, tick.Occurrence, tick.RunId, tick.Outcome);
        }
    }
}
