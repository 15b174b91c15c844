using System.Globalization;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Chunks;

/// <summary>Sizes as people write them: 64MB, 512KiB, 1G or a plain byte count (binary units: 1MB = 1 MiB).</summary>
public static partial class ByteSizes
{
    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<u>[kmgt]?)(i?b)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();

    /// <exception cref="FormatException">The text is not a size.</exception>
    public static long Parse(string text)
    {
        var match = SizePattern().Match(text.Trim());
        if (!match.Success) throw new FormatException($"'{text}' is not a size such as 64MB, 512KB or 1048576");
        var n = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        var scale = match.Groups["u"].Value.ToLowerInvariant() switch { "k" => 1L << 10, "m" => 1L << 20, "g" => 1L << 30, "t" => 1L << 40, _ => 1L };
        var bytes = n * scale;
        // A cast of a double past long's range is undefined; refuse instead of wrapping to a negative size.
        if (!double.IsFinite(bytes) || bytes >= long.MaxValue) throw new FormatException($"'{text}' is larger than any size this can hold");
        return (long)bytes;
    }

    /// <summary>Bytes as a size <see cref="Parse"/> reads back, rounded down to the unit ("48MB", "512KB", "2GB").</summary>
    public static string Format(long bytes) =>
        bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? $"{bytes >> 30}GB"
        : bytes >= 1L << 20 ? $"{bytes >> 20}MB"
        : bytes >= 1L << 10 ? $"{bytes >> 10}KB"
        : $"{bytes}B";
}
