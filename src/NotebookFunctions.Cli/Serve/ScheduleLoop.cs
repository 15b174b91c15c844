using Microsoft.DurableTask.Client;
using NotebookFunctions.Api.Schedules;

namespace NotebookFunctions.Cli.Serve;

/// <summary>The Functions timer's stand-in: a tick at the start of every minute, through the same <see cref="ScheduleTicker"/>.</summary>
internal static class ScheduleLoop
{
    public static async Task RunAsync(ScheduleTicker ticker, DurableTaskClient client, TimeProvider clock, Action<string> say, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var tick in await ticker.TickAsync(client, clock.GetUtcNow(), cancellationToken))
                {
                    say(tick.Error is null
                        ? $"schedule {tick.Schedule}: occurrence {tick.Occurrence:yyyy-MM-dd HH:mm zzz}: run {tick.RunId} {tick.Outcome}"
                        : $"schedule {tick.Schedule}: occurrence {tick.Occurrence:yyyy-MM-dd HH:mm zzz} not started: {tick.Error}");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                say($"schedule tick failed: {e.Message}");
            }

            var now = clock.GetUtcNow();
            var nextMinute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
            await Task.Delay(nextMinute - now + TimeSpan.FromMilliseconds(50), clock, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
