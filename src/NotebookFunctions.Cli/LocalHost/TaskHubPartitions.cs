using System.Globalization;
using Azure.Storage.Queues;

namespace NotebookFunctions.Cli.LocalHost;

/// <summary>
/// How many partitions (control queues) a task hub has. Every worker routes an orchestration to its partition by a hash
/// modulo this count, so all workers on a hub must agree on it and it cannot change under runs in flight: an existing
/// hub keeps the count its control queues show; a new one gets <see cref="ForNewHubs"/>.
/// </summary>
internal static class TaskHubPartitions
{
    public const string Setting = "NBF_PARTITION_COUNT";

    /// <summary>
    /// Four, as Durable Functions defaults: orchestrations spread over up to four workers (activities, the chunks,
    /// spread over all of them through the one work-item queue whatever this is), while an idle host polls only four
    /// control queues. 1 to 16 through NBF_PARTITION_COUNT, for hubs created from then on.
    /// </summary>
    public static int ForNewHubs
    {
        get
        {
            var text = Environment.GetEnvironmentVariable(Setting);
            if (string.IsNullOrWhiteSpace(text)) return 4;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= 16) return count;
            throw new Orchestration.Runs.HostSettingException($"{Setting} is '{text}'; it must be a whole number from 1 to 16 (the partitions of a new task hub)");
        }
    }

    /// <summary>The hub's partition count: its control queues' when it exists, else <see cref="ForNewHubs"/>.</summary>
    public static async Task<int> OfAsync(QueueServiceClient queues, string taskHub, CancellationToken cancellationToken)
    {
        var prefix = $"{taskHub.ToLowerInvariant()}-control-";
        var existing = 0;
        await foreach (var queue in queues.GetQueuesAsync(prefix: prefix, cancellationToken: cancellationToken))
        {
            if (int.TryParse(queue.Name[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var index)) existing = Math.Max(existing, index + 1);
        }

        return existing > 0 ? existing : ForNewHubs;
    }
}
