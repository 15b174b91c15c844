using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Execution;

/// <summary>A cell's peak memory in the executed notebook: metadata.notebook_functions.peak_memory_mb of the cell.</summary>
public static class CellMemory
{
    public const string Key = "notebook_functions";

    public const string PeakField = "peak_memory_mb";

    /// <summary>Bytes as the MB figure every record shows (one decimal).</summary>
    public static double Megabytes(long bytes) => Math.Round(bytes / 1048576.0, 1);

    public static void Record(Cell cell, long? peakBytes)
    {
        if (peakBytes is not { } peak) return;
        if (cell.Metadata[Key] is not JsonObject own)
        {
            own = new JsonObject();
            cell.Metadata[Key] = own;
        }

        own[PeakField] = Megabytes(peak);
    }

    /// <summary>The figure a cell carries; null when it has none.</summary>
    public static double? Read(Cell cell) => cell.Metadata[Key]?[PeakField]?.GetValue<double>();

    /// <summary>A figure from an earlier execution is not this one's.</summary>
    public static void Clear(Cell cell)
    {
        if (cell.Metadata[Key] is not JsonObject own) return;
        own.Remove(PeakField);
        if (own.Count == 0) cell.Metadata.Remove(Key);
    }
}
