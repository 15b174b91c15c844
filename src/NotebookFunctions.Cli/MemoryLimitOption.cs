using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Cli;

/// <summary>--memory-limit as people write sizes (2GB, 512MB, 1.5G), turned into the whole MB a run request carries.</summary>
internal static class MemoryLimitOption
{
    /// <returns>False with the problem when the text is not a size in range; true with null MB when no limit was given.</returns>
    public static bool TryParse(string? text, out int? megabytes, out string? problem)
    {
        (megabytes, problem) = (null, null);
        if (text is null) return true;
        long bytes;
        try
        {
            bytes = ByteSizes.Parse(text);
        }
        catch (FormatException e)
        {
            problem = $"--memory-limit: {e.Message}";
            return false;
        }

        var mb = bytes >> 20;
        if (mb is < NotebookMemoryLimit.MinMB or > NotebookMemoryLimit.MaxMB)
        {
            // A bare number is bytes, as for --split; memoryLimitMB's readers often mean MB.
            var unitless = text.Trim().All(char.IsAsciiDigit);
            var read = unitless ? $"{text.Trim()} bytes" : text;
            var hint = unitless && long.TryParse(text.Trim(), out var n) && n is >= NotebookMemoryLimit.MinMB and <= NotebookMemoryLimit.MaxMB ? $" (did you mean {n}MB?)" : string.Empty;
            problem = $"--memory-limit is {read}; {NotebookMemoryLimit.Range}{hint}";
            return false;
        }

        megabytes = (int)mb;
        return true;
    }
}
