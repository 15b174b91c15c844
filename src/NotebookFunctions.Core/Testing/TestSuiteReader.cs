using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// Reads a test file (NAME.test.yaml, already turned into JSON) into a <see cref="TestSuite"/>. Everything is checked
/// before anything runs: unknown members are refused with the nearest known one, numbers must be in range, paths must
/// exist and stay relative to the file's folder, so a typo never silently weakens a test.
/// </summary>
public static partial class TestSuiteReader
{
    /// <summary>Longest regular expression match a scrap check may take.</summary>
    internal static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    private static readonly string[] TopMembers = ["notebook", "regression", "lax", "sanitize", "cases"];
    private static readonly string[] CaseMembers = ["name", "parameters", "input", "secrets", "expect", "fanout"];
    private static readonly string[] ExpectMembers = ["error", "scraps", "files", "maxSeconds", "maxMemoryMB"];
    private static readonly string[] ErrorMembers = ["name", "cell"];
    private static readonly string[] MatcherMembers = ["equals", "approx", "tolerance", "matches"];
    private static readonly string[] FileMembers = ["exists", "rows", "columns", "sha256"];
    private static readonly string[] FanOutMembers = ["chunks", "tolerance"];

    /// <summary>Most chunks a fan-out case may ask for: each is a kernel run of the sample.</summary>
    public const int MaxFanOutChunks = 64;

    /// <param name="json">The file's content.</param>
    /// <param name="source">The file's path, as named in errors; relative paths in it are relative to its folder.</param>
    /// <param name="notebookPath">The notebook the file tests when it does not name one (NAME.ipynb beside NAME.test.yaml).</param>
    /// <param name="inputs">
    /// Turns a case's <c>input</c> into a local path (given the text and the field); null: a path relative to the file's
    /// folder that must exist. Tests a notebook carries name blobs instead (see <see cref="CarriedTests"/>).
    /// </param>
    /// <param name="carried">Tests a notebook carries: they name no local file (no notebook, no sanitize file).</param>
    /// <exception cref="TestFileException">Anything in the file that cannot be used.</exception>
    public static TestSuite Read(JsonObject json, string source, string notebookPath, Func<string, string, string>? inputs = null, bool carried = false)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(source))!;
        Known(json, TopMembers, source, string.Empty);
        if (carried && json.Select(p => p.Key).FirstOrDefault(k => k is "notebook" or "sanitize") is { } local)
            throw new TestFileException(source, local, "tests a notebook carries test that notebook, with no local files; put this in a NAME.test.yaml for nbf test");
        inputs ??= (given, at) => LocalPath(JsonValue.Create(given), folder, source, at, mustBeFile: false);
        if (json["notebook"] is { } named) notebookPath = LocalPath(named, folder, source, "notebook", mustBeFile: true);
        var cases = json["cases"] switch
        {
            null => [],
            JsonArray list => list.Select((c, i) => ReadCase(c, inputs, source, $"cases[{i}]")).ToList(),
            _ => throw new TestFileException(source, "cases", "must be a list of cases"),
        };
        var duplicate = cases.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new TestFileException(source, "cases", $"two cases are named '{duplicate.Key}': a result must say which one failed");
        return new TestSuite
        {
            NotebookPath = Path.GetFullPath(notebookPath),
            TestFilePath = Path.GetFullPath(source),
            Regression = json["regression"] is null ? null : Bool(json["regression"], source, "regression"),
            Lax = json["lax"] is not null && Bool(json["lax"], source, "lax"),
            SanitizeFile = json["sanitize"] is { } sanitize ? LocalPath(sanitize, folder, source, "sanitize", mustBeFile: true) : null,
            Cases = cases,
        };
    }

    /// <summary>
    /// What can be checked against the notebook before a kernel starts, so a typo is bad input naming its field: each
    /// case's parameters fit the notebook's schema, and the sanitize file has rules.
    /// </summary>
    /// <exception cref="TestFileException">A case's parameters do not fit, or the sanitize file cannot be used.</exception>
    public static void CheckAgainst(TestSuite suite, Notebook notebook, string source)
    {
        var schema = ParameterSchema.Infer(notebook);
        for (var i = 0; i < suite.Cases.Count; i++)
        {
            try
            {
                ParameterValidator.Validate(Path.GetFileName(suite.NotebookPath), schema, suite.Cases[i].Parameters, ReservedParameters.Names);
            }
            catch (ParameterException e)
            {
                var field = e.Problems.Count > 0 ? $"cases[{i}].parameters.{e.Problems[0].Parameter}" : $"cases[{i}].parameters";
                throw new TestFileException(source, field, e.Message);
            }
        }

        if (suite.SanitizeFile is { } sanitize)
        {
            try
            {
                SanitizeRules.Load(sanitize);
            }
            catch (SanitizeFileException e)
            {
                throw new TestFileException(source, "sanitize", e.Message);
            }
        }
    }

    private static TestCase ReadCase(JsonNode? node, Func<string, string, string> inputs, string source, string at)
    {
        if (node is not JsonObject item) throw new TestFileException(source, at, "a case is a mapping with 'name', 'parameters', 'input', 'secrets', 'expect' or 'fanout'");
        Known(item, CaseMembers, source, at);
        var name = Text(item["name"], source, $"{at}.name");
        if (name.Length is 0 or > 200 || name.Any(char.IsControl)) throw new TestFileException(source, $"{at}.name", "a case name is 1 to 200 printable characters");
        // Results name the regression "regression", and a notebook that cannot be read "notebook".
        if (name is RegressionRunner.CaseName or "notebook") throw new TestFileException(source, $"{at}.name", $"'{name}' names nbf test's own results; give the case another name");
        var parameters = item["parameters"] switch
        {
            null => new JsonObject(),
            JsonObject values => (JsonObject)values.DeepClone(),
            _ => throw new TestFileException(source, $"{at}.parameters", "must be a mapping of parameter names to values"),
        };
        var reserved = parameters.Select(p => p.Key).FirstOrDefault(k => ReservedParameters.Names.Contains(k));
        if (reserved is not null)
            throw new TestFileException(source, $"{at}.parameters.{reserved}", $"'{reserved}' is set by the run, as for every chunk; give the sample as 'input'");
        var secrets = item["secrets"] switch
        {
            null => [],
            JsonArray list => list.Select((s, i) => SecretName(s, source, $"{at}.secrets[{i}]")).ToList(),
            _ => throw new TestFileException(source, $"{at}.secrets", "must be a list of secret names"),
        };
        var input = item["input"] is { } given ? inputs(Text(given, source, $"{at}.input"), $"{at}.input") : null;
        var fanOut = item["fanout"] is { } fan ? ReadFanOut(fan, source, $"{at}.fanout") : null;
        if (fanOut is not null && item["expect"] is not null)
            throw new TestFileException(source, $"{at}.expect", "a fan-out case compares the fanned-out results with the whole run; put expectations in a case of their own");
        if (fanOut is not null && input is null)
            throw new TestFileException(source, $"{at}.input", "a fan-out case needs a sample 'input' to cut into chunks");
        if (fanOut is not null && (!File.Exists(input) || !Chunks.LineFiles.IsLineFile(input!)))
            throw new TestFileException(source, $"{at}.input", $"fan-out cuts one line-based file ({Chunks.LineFiles.Described}), not '{item["input"]}'");
        return new TestCase
        {
            Name = name,
            Parameters = parameters,
            Input = input,
            Secrets = secrets,
            Expect = item["expect"] is { } expect ? ReadExpect(expect, source, $"{at}.expect") : new CaseExpectation(),
            FanOut = fanOut,
        };
    }

    /// <summary>"fanout: 4", or "fanout: {chunks: 4, tolerance: 1e-6}".</summary>
    private static FanOutExpectation ReadFanOut(JsonNode node, string source, string at)
    {
        if (node is JsonObject spec)
        {
            Known(spec, FanOutMembers, source, at);
            var chunks = Integer(spec["chunks"], source, $"{at}.chunks", 2, MaxFanOutChunks);
            var tolerance = spec["tolerance"] is null ? FanOutDefaults.Tolerance : Number(spec["tolerance"], source, $"{at}.tolerance", 0, 1);
            return new FanOutExpectation((int)chunks, tolerance);
        }

        return new FanOutExpectation((int)Integer(node, source, at, 2, MaxFanOutChunks), FanOutDefaults.Tolerance);
    }

    private static CaseExpectation ReadExpect(JsonNode node, string source, string at)
    {
        if (node is not JsonObject expect) throw new TestFileException(source, at, "must be a mapping with 'error', 'scraps', 'files', 'maxSeconds' or 'maxMemoryMB'");
        Known(expect, ExpectMembers, source, at);
        return new CaseExpectation
        {
            Error = expect["error"] is { } error ? ReadError(error, source, $"{at}.error") : null,
            Scraps = expect["scraps"] switch
            {
                null => [],
                JsonObject scraps => scraps.Select(s => ReadScrap(s.Key, s.Value, source, $"{at}.scraps.{s.Key}")).ToList(),
                _ => throw new TestFileException(source, $"{at}.scraps", "must be a mapping of scrap names to expected values"),
            },
            Files = expect["files"] switch
            {
                null => [],
                JsonObject files => files.Select(f => ReadFile(f.Key, f.Value, source, $"{at}.files.{f.Key}")).ToList(),
                _ => throw new TestFileException(source, $"{at}.files", "must be a mapping of paths under output_dir to what they must hold"),
            },
            MaxSeconds = expect["maxSeconds"] is null ? null : Number(expect["maxSeconds"], source, $"{at}.maxSeconds", 0.001, 24 * 3600),
            MaxMemoryMB = expect["maxMemoryMB"] is null ? null : Number(expect["maxMemoryMB"], source, $"{at}.maxMemoryMB", 1, 1024 * 1024),
        };
    }

    /// <summary>"error: ValueError", or "error: {name: ValueError, cell: 3}" (cell by index or by id).</summary>
    private static ExpectedError ReadError(JsonNode node, string source, string at)
    {
        if (node is not JsonObject error) return new ExpectedError(ExceptionName(node, source, at), null, null);
        Known(error, ErrorMembers, source, at);
        var name = ExceptionName(error["name"], source, $"{at}.name");
        return error["cell"] switch
        {
            null => new ExpectedError(name, null, null),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => new ExpectedError(name, null, v.GetValue<string>()),
            var cell => new ExpectedError(name, (int)Integer(cell, source, $"{at}.cell", 0, 100_000), null),
        };
    }

    /// <summary>A secret name, by the rule every request's is held to.</summary>
    private static string SecretName(JsonNode? node, string source, string at)
    {
        var name = Text(node, source, at);
        return Secrets.SecretNames.IsValid(name) ? name : throw new TestFileException(source, at, $"secret name '{name}' must be {Secrets.SecretNames.Rule}");
    }

    private static string ExceptionName(JsonNode? node, string source, string at)
    {
        var name = Text(node, source, at);
        return ExceptionNamePattern().IsMatch(name) ? name : throw new TestFileException(source, at, $"'{name}' is not an exception's class name (e.g. ValueError)");
    }

    /// <summary>A plain value is compared for equality; a mapping is one matcher: equals, approx (with tolerance), or matches.</summary>
    private static ScrapExpectation ReadScrap(string name, JsonNode? node, string source, string at)
    {
        if (node is not JsonObject matcher) return new ScrapExpectation(name, ScrapMatch.Equals, node?.DeepClone(), 0);
        Known(matcher, MatcherMembers, source, at);
        var kinds = matcher.Select(p => p.Key).Where(k => k != "tolerance").ToList();
        if (kinds.Count != 1)
            throw new TestFileException(source, at, "give one of 'equals', 'approx' (with an optional 'tolerance') or 'matches'; to expect a mapping, write it under 'equals'");
        if (matcher["tolerance"] is not null && kinds[0] != "approx") throw new TestFileException(source, $"{at}.tolerance", "only 'approx' takes a tolerance");
        switch (kinds[0])
        {
            case "equals":
                return new ScrapExpectation(name, ScrapMatch.Equals, matcher["equals"]?.DeepClone(), 0);
            case "approx":
                var value = Number(matcher["approx"], source, $"{at}.approx", double.MinValue, double.MaxValue);
                var tolerance = matcher["tolerance"] is null ? 1e-9 : Number(matcher["tolerance"], source, $"{at}.tolerance", 0, double.MaxValue);
                return new ScrapExpectation(name, ScrapMatch.Approx, JsonValue.Create(value), tolerance);
            default:
                var pattern = Text(matcher["matches"], source, $"{at}.matches");
                try
                {
                    _ = new Regex(pattern, RegexOptions.None, PatternTimeout);
                }
                catch (ArgumentException e)
                {
                    throw new TestFileException(source, $"{at}.matches", $"not a regular expression: {e.Message}");
                }

                return new ScrapExpectation(name, ScrapMatch.Matches, JsonValue.Create(pattern), 0);
        }
    }

    private static FileExpectation ReadFile(string path, JsonNode? node, string source, string at)
    {
        var normalised = path.Replace('\\', '/');
        if (normalised.Length == 0 || normalised.StartsWith('/') || normalised.Split('/').Any(s => s is "" or "." or ".."))
            throw new TestFileException(source, at, "a file is named by its path under output_dir, without '..' or a leading '/'");
        if (node is null) return new FileExpectation(normalised, true, null, null, null);
        if (node is not JsonObject spec) throw new TestFileException(source, at, "must be a mapping with 'exists', 'rows', 'columns' or 'sha256' (or empty: it must exist)");
        Known(spec, FileMembers, source, at);
        var exists = spec["exists"] is null || Bool(spec["exists"], source, $"{at}.exists");
        if (!exists && spec.Count > 1) throw new TestFileException(source, at, "a file that must not exist has nothing else to check");
        var columns = spec["columns"] switch
        {
            null => null,
            JsonArray list => list.Select((c, i) => Text(c, source, $"{at}.columns[{i}]")).ToList(),
            _ => throw new TestFileException(source, $"{at}.columns", "must be the list of column names, in order"),
        };
        if (columns is not null && !FileChecks.IsTable(normalised)) throw new TestFileException(source, $"{at}.columns", "columns are checked in .csv and .tsv files");
        var sha = spec["sha256"] is null ? null : Text(spec["sha256"], source, $"{at}.sha256").ToLowerInvariant();
        if (sha is not null && !Sha256Pattern().IsMatch(sha)) throw new TestFileException(source, $"{at}.sha256", "must be 64 hex digits");
        return new FileExpectation(normalised, exists, spec["rows"] is null ? null : Integer(spec["rows"], source, $"{at}.rows", 0, long.MaxValue), columns, sha);
    }

    private static string LocalPath(JsonNode? node, string folder, string source, string at, bool mustBeFile)
    {
        var given = Text(node, source, at);
        var path = Path.GetFullPath(Path.Combine(folder, given));
        if (mustBeFile ? !File.Exists(path) : !File.Exists(path) && !Directory.Exists(path))
            throw new TestFileException(source, at, $"'{given}' does not exist (relative to {folder})");
        if (LocalPaths.Problem(folder, path) is { } problem) throw new TestFileException(source, at, $"'{given}' {problem}");
        if (!mustBeFile && LocalPaths.Size(path) > LocalPaths.MaxInputBytes)
            throw new TestFileException(source, at, $"'{given}' is over {LocalPaths.MaxInputBytes >> 30} GiB: a test's sample should be small");
        return path;
    }

    private static void Known(JsonObject item, string[] members, string source, string at)
    {
        foreach (var (key, _) in item)
        {
            if (members.Contains(key, StringComparer.Ordinal)) continue;
            var hint = NearestName.To(key, members) is { } near ? $"; did you mean '{near}'?" : $"; known: {string.Join(", ", members)}";
            throw new TestFileException(source, at.Length == 0 ? key : $"{at}.{key}", $"unknown member{hint}");
        }
    }

    private static string Text(JsonNode? node, string source, string at) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw new TestFileException(source, at, "must be text");

    private static bool Bool(JsonNode? node, string source, string at) =>
        node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : throw new TestFileException(source, at, "must be true or false");

    private static double Number(JsonNode? node, string source, string at, double min, double max)
    {
        if (JsonNumbers.AsDouble(node) is not { } value || !double.IsFinite(value))
            throw new TestFileException(source, at, "must be a number");
        return value >= min && value <= max ? value
            : throw new TestFileException(source, at, string.Create(CultureInfo.InvariantCulture, $"{value} is out of range ({min:G} to {max:G})"));
    }

    private static long Integer(JsonNode? node, string source, string at, long min, long max)
    {
        if (JsonNumbers.AsLong(node) is not { } value)
            throw new TestFileException(source, at, "must be a whole number");
        return value >= min && value <= max ? value
            : throw new TestFileException(source, at, string.Create(CultureInfo.InvariantCulture, $"{value} is out of range ({min} to {max})"));
    }

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_.]{0,199}\z")]
    private static partial Regex ExceptionNamePattern();

    [GeneratedRegex(@"\A[0-9a-f]{64}\z")]
    private static partial Regex Sha256Pattern();
}

/// <summary>Defaults of fan-out equivalence.</summary>
public static class FanOutDefaults
{
    /// <summary>Relative difference two numbers may have and still be equal: sums in another order differ in the last bits.</summary>
    public const double Tolerance = 1e-9;
}
