using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Testing;

/// <summary>Checks the scraps a case's run glued against what its test file expects.</summary>
public static class ScrapChecks
{
    public static List<TestFailure> Check(JsonObject scraps, IReadOnlyList<ScrapExpectation> expected)
    {
        var failures = new List<TestFailure>();
        foreach (var want in expected)
        {
            if (!scraps.TryGetPropertyValue(want.Name, out var actual))
            {
                var glued = scraps.Count == 0 ? "none were glued" : $"glued: {string.Join(", ", scraps.Select(s => s.Key))}";
                failures.Add(new TestFailure($"scrap '{want.Name}' was not glued ({glued})"));
                continue;
            }

            var problem = want.Match switch
            {
                ScrapMatch.Equals => JsonValues.Equal(want.Expected, actual, 0) ? null : $"is {Show(actual)}, expected {Show(want.Expected)}",
                ScrapMatch.Approx => Approx(want, actual),
                _ => Matches(want, actual),
            };
            if (problem is not null) failures.Add(new TestFailure($"scrap '{want.Name}' {problem}"));
        }

        return failures;
    }

    private static string? Approx(ScrapExpectation want, JsonNode? actual)
    {
        var expected = JsonNumbers.AsDouble(want.Expected)!.Value;
        if (JsonNumbers.AsDouble(actual) is not { } value) return $"is {Show(actual)}, expected a number within {Number(want.Tolerance)} of {Number(expected)}";
        return Math.Abs(value - expected) <= want.Tolerance ? null
            : $"is {Number(value)}, expected {Number(expected)} ± {Number(want.Tolerance)} (off by {Number(Math.Abs(value - expected))})";
    }

    private static string? Matches(ScrapExpectation want, JsonNode? actual)
    {
        var pattern = want.Expected!.GetValue<string>();
        var text = actual is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : actual?.ToJsonString() ?? "null";
        try
        {
            return Regex.IsMatch(text, pattern, RegexOptions.None, TestSuiteReader.PatternTimeout) ? null : $"is {Show(actual)}, which does not match /{pattern}/";
        }
        catch (RegexMatchTimeoutException)
        {
            return $"could not be matched against /{pattern}/ within {TestSuiteReader.PatternTimeout.TotalSeconds:0} s";
        }
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>At most 200 characters of the value as JSON.</summary>
    internal static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}

/// <summary>Equality of JSON values, numbers by value within a relative tolerance (0: exactly), objects regardless of member order.</summary>
public static class JsonValues
{
    public static bool Equal(JsonNode? a, JsonNode? b, double relativeTolerance)
    {
        switch (a, b)
        {
            case (null, null):
                return true;
            case (JsonObject x, JsonObject y):
                return x.Count == y.Count && x.All(p => y.TryGetPropertyValue(p.Key, out var other) && Equal(p.Value, other, relativeTolerance));
            case (JsonArray x, JsonArray y):
                return x.Count == y.Count && x.Zip(y).All(p => Equal(p.First, p.Second, relativeTolerance));
            case (JsonValue x, JsonValue y) when x.GetValueKind() == JsonValueKind.Number && y.GetValueKind() == JsonValueKind.Number:
                return Numbers.Close(JsonNumbers.AsDouble(x)!.Value, JsonNumbers.AsDouble(y)!.Value, relativeTolerance);
            case (JsonValue x, JsonValue y) when x.GetValueKind() == JsonValueKind.String && y.GetValueKind() == JsonValueKind.String:
                return x.GetValue<string>() == y.GetValue<string>();
            case (JsonValue x, JsonValue y):
                // true, false (and a null held in a value): the kind is the value.
                return x.GetValueKind() == y.GetValueKind() && x.GetValueKind() is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null;
            default:
                return false;
        }
    }
}

/// <summary>Number comparison with a relative tolerance, the same for scraps, CSV cells and JSON values.</summary>
public static class Numbers
{
    public static bool Close(double a, double b, double relativeTolerance)
    {
        if (a.Equals(b)) return true;
        if (!double.IsFinite(a) || !double.IsFinite(b)) return false;
        return Math.Abs(a - b) <= relativeTolerance * Math.Max(Math.Abs(a), Math.Abs(b));
    }
}
