using System.Globalization;
using System.Text;
using System.Xml;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// JUnit XML as CI systems read it (GitHub, Azure DevOps, GitLab, Jenkins): one testsuite per notebook, one testcase
/// per test, a failure (it ran and differed), an error (it could not run) or a skip, with counts that add up.
/// </summary>
public static class JUnitReport
{
    public static async Task WriteAsync(string path, IReadOnlyList<TestResult> results, TimeSpan duration, DateTimeOffset started)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Async = true, Indent = true, Encoding = new UTF8Encoding(false) });
            await xml.WriteStartDocumentAsync();
            await xml.WriteStartElementAsync(null, "testsuites", null);
            await CountsAsync(xml, "nbf test", results, duration);
            foreach (var suite in results.GroupBy(r => r.Notebook, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var tests = suite.OrderBy(r => r.Kind).ThenBy(r => r.Case, StringComparer.Ordinal).ToList();
                await xml.WriteStartElementAsync(null, "testsuite", null);
                await CountsAsync(xml, suite.Key, tests, TimeSpan.FromTicks(tests.Sum(t => t.Duration.Ticks)));
                await xml.WriteAttributeStringAsync(null, "timestamp", null, started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
                foreach (var test in tests) await TestCaseAsync(xml, test);
                await xml.WriteEndElementAsync();
            }

            await xml.WriteEndElementAsync();
            await xml.WriteEndDocumentAsync();
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static async Task CountsAsync(XmlWriter xml, string name, IReadOnlyList<TestResult> results, TimeSpan duration)
    {
        await xml.WriteAttributeStringAsync(null, "name", null, Clean(name));
        await xml.WriteAttributeStringAsync(null, "tests", null, Text(results.Count));
        await xml.WriteAttributeStringAsync(null, "failures", null, Text(results.Count(r => r.Outcome == TestOutcome.Failed)));
        await xml.WriteAttributeStringAsync(null, "errors", null, Text(results.Count(r => r.Outcome == TestOutcome.Error)));
        await xml.WriteAttributeStringAsync(null, "skipped", null, Text(results.Count(r => r.Outcome == TestOutcome.Skipped)));
        await xml.WriteAttributeStringAsync(null, "time", null, Seconds(duration));
    }

    private static async Task TestCaseAsync(XmlWriter xml, TestResult test)
    {
        await xml.WriteStartElementAsync(null, "testcase", null);
        await xml.WriteAttributeStringAsync(null, "classname", null, Clean(test.Notebook));
        await xml.WriteAttributeStringAsync(null, "name", null, Clean(test.Case));
        await xml.WriteAttributeStringAsync(null, "time", null, Seconds(test.Duration));
        switch (test.Outcome)
        {
            case TestOutcome.Failed or TestOutcome.Error:
                await xml.WriteStartElementAsync(null, test.Outcome == TestOutcome.Failed ? "failure" : "error", null);
                await xml.WriteAttributeStringAsync(null, "message", null, Clean(test.Failures.FirstOrDefault()?.Summary ?? test.Outcome.ToString()));
                await xml.WriteAttributeStringAsync(null, "type", null, test.Kind.ToString());
                await xml.WriteStringAsync(Clean(string.Join("\n\n", test.Failures.Select(f => f.Detail.Length == 0 ? f.Summary : $"{f.Summary}\n{f.Detail}"))));
                await xml.WriteEndElementAsync();
                break;
            case TestOutcome.Skipped:
                await xml.WriteStartElementAsync(null, "skipped", null);
                await xml.WriteAttributeStringAsync(null, "message", null, Clean(test.SkipReason ?? "skipped"));
                await xml.WriteEndElementAsync();
                break;
        }

        await xml.WriteEndElementAsync();
    }

    /// <summary>XML 1.0 cannot hold most control characters (outputs and tracebacks may): they are dropped.</summary>
    private static string Clean(string text) =>
        string.Concat(text.Where(c => XmlConvert.IsXmlChar(c) || char.IsSurrogate(c)));

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
