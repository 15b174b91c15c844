using DurableTask.Core;
using DurableTask.Core.History;

namespace NotebookFunctions.Cli.LocalHost;

/// <summary>
/// Hands sub-orchestration starts from the gRPC sidecar to the Azure Storage backend in shapes it can store and read
/// back; without this a pipeline's steps would wait forever. Two traps, both measured here:
/// - the sidecar starts the sub-orchestration with the worker's tags as they came off the wire (a protobuf MapField),
///   which the backend writes into the queue message with its .NET type name and then cannot resolve when reading it;
/// - the parent's history gets the sidecar's own subclass of SubOrchestrationInstanceCreatedEvent, which the backend's
///   table converter does not know: the row is stored without its event type, and the parent's history no longer loads.
/// </summary>
internal static class SubOrchestrationTags
{
    public static IList<TaskMessage> Plain(IList<TaskMessage> messages)
    {
        foreach (var message in messages)
        {
            if (message.Event is ExecutionStartedEvent started && started.Tags is { } tags && tags.GetType() != typeof(Dictionary<string, string>))
                started.Tags = tags.Count == 0 ? null : new Dictionary<string, string>(tags);
        }

        return messages;
    }

    public static OrchestrationRuntimeState Plain(OrchestrationRuntimeState state)
    {
        for (var i = 0; i < state.NewEvents.Count; i++)
        {
            if (state.NewEvents[i] is not SubOrchestrationInstanceCreatedEvent created || created.GetType() == typeof(SubOrchestrationInstanceCreatedEvent)) continue;
            var plain = new SubOrchestrationInstanceCreatedEvent(created.EventId)
            {
                Name = created.Name,
                Version = created.Version,
                InstanceId = created.InstanceId,
                Input = created.Input,
                Timestamp = created.Timestamp,
                IsPlayed = created.IsPlayed,
                ClientSpanId = created.ClientSpanId,
            };
            state.NewEvents[i] = plain;
            var inAll = state.Events.IndexOf(created);
            if (inAll >= 0) state.Events[inAll] = plain;
        }

        return state;
    }
}
