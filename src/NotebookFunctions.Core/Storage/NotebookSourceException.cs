namespace NotebookFunctions.Core.Storage;

/// <summary>A notebook source that cannot be recorded; <see cref="Field"/> is "commit", "path" or "dirty".</summary>
public sealed class NotebookSourceException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
