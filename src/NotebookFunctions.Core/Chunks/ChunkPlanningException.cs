namespace NotebookFunctions.Core.Chunks;

/// <summary>The input cannot be chunked as asked: nothing matches, too many chunks, a format split mode cannot cut.</summary>
public sealed class ChunkPlanningException(string message) : Exception(message);
