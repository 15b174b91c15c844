using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>
/// The memory limit a notebook asks for its kernels by default, in MB: <c>metadata.notebook_functions.memory_limit_mb</c>.
/// A run request's memoryLimitMB overrides it; the host's default applies when neither says.
/// </summary>
public static class NotebookMemoryLimit
{
    public const string MetadataPath = "metadata.notebook_functions.memory_limit_mb";

    /// <summary>
    /// Below this a pandas kernel cannot start its first cell: under RLIMIT_DATA the limit counts reserved memory
    /// (thread stacks, arenas, what numpy maps at import), and importing pandas needs about 192 MB of it (measured).
    /// </summary>
    public const int MinMB = 256;

    /// <summary>1 TiB: far above any host, far inside the numbers the OS takes.</summary>
    public const int MaxMB = 1 << 20;

    /// <summary>The notebook's limit; null when it sets none.</summary>
    /// <exception cref="NotebookFormatException">The member is not a whole number of MB in range.</exception>
    public static int? Of(Notebook notebook, string source)
    {
        if (notebook.Metadata["notebook_functions"] is not JsonObject own || own["memory_limit_mb"] is not { } node) return null;
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var mb) && RangeProblem(mb) is null) return mb;
        var shown = node.ToJsonString();
        throw new NotebookFormatException(source, [new NotebookProblem(
            node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var whole) ? RangeProblem(whole)! : $"is {shown}; it must be a whole number of MB (e.g. 2048)",
            Field: MetadataPath)]);
    }

    /// <summary>The range in words, for every reader's message (metadata, run request, --memory-limit).</summary>
    public static string Range => $"a kernel's memory limit is from {MinMB} MB to {MaxMB} MB (1 TB)";

    /// <summary>Why a limit in MB is out of range; null when it is in.</summary>
    public static string? RangeProblem(long mb) => mb is >= MinMB and <= MaxMB ? null : $"is {mb} MB; {Range}";
}
