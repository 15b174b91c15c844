using System.Globalization;

namespace NotebookFunctions.Core.Chunks;

/// <summary>
/// Whether a run's chunks will fit its kernels' memory limit, judged from the first chunk to finish: its peak above
/// the kernel's baseline, per byte of its input, scaled to the largest chunk of the plan. When they will not, a
/// warning names the chunk, the estimate and a chunk size that fits (with a fifth of the limit kept spare).
/// </summary>
public static class ChunkSizeAdvice
{
    /// <summary>How much of the limit a suggested chunk size may fill by the estimate.</summary>
    private const double Headroom = 0.8;

    /// <summary>The input bytes a chunk reads: its byte range, or every blob of a whole-mode chunk.</summary>
    public static long BytesOf(ChunkSpec chunk) => chunk.Blobs is { } blobs ? blobs.Sum(b => b.Length) : chunk.Length;

    /// <param name="limitMB">The kernels' memory limit.</param>
    /// <param name="first">The measured chunk: its index, input bytes, baseline and peak (MB), and whether it ran out of memory.</param>
    /// <param name="largestBytes">The largest chunk of the plan.</param>
    /// <param name="splits">Whether the chunk size is the run's to choose (split mode) or the blobs' own (per blob, whole).</param>
    /// <returns>The warning; null when the chunks fit or there is nothing to judge by.</returns>
    public static string? Judge(int limitMB, (int Index, long InputBytes, double BaselineMB, double PeakMB, bool OutOfMemory) first, long largestBytes, bool splits)
    {
        if (first.InputBytes <= 0) return null;
        var fix = splits ? "set a smaller chunk size" : "split the input (mode split) with a chunk size";
        if (first.OutOfMemory)
        {
            var half = first.InputBytes / 2;
            return $"chunk {first.Index} ({ByteSizes.Format(first.InputBytes)} of input) ran out of memory under the {limitMB} MB limit; {fix} of at most about {ByteSizes.Format(half)}, or raise memoryLimitMB";
        }

        var perByte = Math.Max(0, first.PeakMB - first.BaselineMB) / first.InputBytes;
        if (perByte <= 0) return null;
        var predicted = first.BaselineMB + (perByte * largestBytes);
        if (predicted <= limitMB * 0.9) return null;
        var fits = (long)Math.Floor(((limitMB * Headroom) - first.BaselineMB) / perByte);
        var measured = $"chunk {first.Index} used {first.PeakMB.ToString("0.#", CultureInfo.InvariantCulture)} MB for {ByteSizes.Format(first.InputBytes)} of input ({first.BaselineMB.ToString("0.#", CultureInfo.InvariantCulture)} MB before its data)";
        var needed = $"at that rate the largest chunk ({ByteSizes.Format(largestBytes)}) needs about {predicted.ToString("0", CultureInfo.InvariantCulture)} MB, {(predicted > limitMB ? "over" : "close to")} the {limitMB} MB memory limit";
        return fits < 1024
            ? $"{measured}; {needed}, and the kernel alone nearly fills the limit: raise memoryLimitMB"
            : $"{measured}; {needed}: {fix} of at most {ByteSizes.Format(fits)}, or raise memoryLimitMB";
    }
}
