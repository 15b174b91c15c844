using System.Globalization;

namespace NotebookFunctions.Core.Kernels;

/// <summary>Reads a "Field:   1234 kB" line of a /proc file (status, meminfo) as bytes.</summary>
internal static class ProcKilobytes
{
    /// <summary>The field's value in bytes; null where the file or the field is missing (not Linux, the process gone).</summary>
    public static long? Read(string path, string field)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                var kilobytes = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux, or the process has already exited.
        }

        return null;
    }
}
