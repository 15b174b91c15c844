using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Testing;

/// <summary>What <c>nbf test</c> checks about one notebook: its saved outputs (regression) and the cases of its test file.</summary>
public sealed record TestSuite
{
    /// <summary>The notebook file, absolute.</summary>
    public required string NotebookPath { get; init; }

    /// <summary>The test file the cases came from (absolute), or null when the notebook has none.</summary>
    public string? TestFilePath { get; init; }

    /// <summary>Whether to re-execute the notebook and compare its saved outputs; null: when it has any (nbval's job).</summary>
    public bool? Regression { get; init; }

    /// <summary>Compare only cells marked to be checked (nbval's --nbval-lax).</summary>
    public bool Lax { get; init; }

    /// <summary>An nbval sanitize file (absolute), applied to outputs before they are compared.</summary>
    public string? SanitizeFile { get; init; }

    public IReadOnlyList<TestCase> Cases { get; init; } = [];

    /// <summary>How the notebook is named in results: its path as the user gave it, or its file name.</summary>
    public string DisplayName { get; init; } = string.Empty;
}

/// <summary>One run of the notebook with its own parameters and sample input, and what must come of it.</summary>
public sealed record TestCase
{
    public required string Name { get; init; }

    public JsonObject Parameters { get; init; } = new();

    /// <summary>A local file or folder (absolute) handed over as input_path, as a chunk gets its input; none when null.</summary>
    public string? Input { get; init; }

    /// <summary>Secret names, resolved from the usual sources into the kernel's environment.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    public CaseExpectation Expect { get; init; } = new();

    /// <summary>When set, the case checks fan-out equivalence over this many chunks instead of <see cref="Expect"/>.</summary>
    public FanOutExpectation? FanOut { get; init; }
}

/// <summary>What a case's run must show; every part is optional except the outcome (success unless <see cref="Error"/>).</summary>
public sealed record CaseExpectation
{
    /// <summary>The run must fail with this exception (and in this cell, when named); null: it must succeed.</summary>
    public ExpectedError? Error { get; init; }

    public IReadOnlyList<ScrapExpectation> Scraps { get; init; } = [];

    public IReadOnlyList<FileExpectation> Files { get; init; } = [];

    /// <summary>Longest the run may take, kernel start included.</summary>
    public double? MaxSeconds { get; init; }

    /// <summary>Highest resident memory the kernel may reach.</summary>
    public double? MaxMemoryMB { get; init; }
}

/// <param name="Name">The exception's class name (ename), e.g. ValueError.</param>
/// <param name="CellIndex">The cell it must be raised in, by index; null: any.</param>
/// <param name="CellId">The cell it must be raised in, by id; null: any.</param>
public sealed record ExpectedError(string Name, int? CellIndex, string? CellId);

public enum ScrapMatch
{
    Equals,
    Approx,
    Matches,
}

/// <param name="Name">The scrap's name.</param>
/// <param name="Match">How the value is compared.</param>
/// <param name="Expected">The value (Equals), the number (Approx) or the pattern (Matches).</param>
/// <param name="Tolerance">Absolute tolerance of Approx.</param>
public sealed record ScrapExpectation(string Name, ScrapMatch Match, JsonNode? Expected, double Tolerance);

/// <param name="Path">Relative to output_dir, with '/' separators.</param>
/// <param name="Exists">False: the file must not be written.</param>
/// <param name="Rows">Data rows: lines after the header of a .csv/.tsv, lines of any other text file.</param>
/// <param name="Columns">The header's column names, in order (.csv/.tsv).</param>
/// <param name="Sha256">The file's SHA-256, hex.</param>
public sealed record FileExpectation(string Path, bool Exists, long? Rows, IReadOnlyList<string>? Columns, string? Sha256);

/// <param name="Chunks">How many chunks the sample is cut into, as production cuts it.</param>
/// <param name="Tolerance">Relative tolerance when comparing numbers of the fanned-out and the whole results.</param>
public sealed record FanOutExpectation(int Chunks, double Tolerance);
