namespace NotebookFunctions.Orchestration.Runs;

/// <summary>A host setting (an environment variable such as NBF_CHUNK_BATCH_SIZE) that the host cannot start with; the message names it and its range.</summary>
public sealed class HostSettingException(string message) : Exception(message);
