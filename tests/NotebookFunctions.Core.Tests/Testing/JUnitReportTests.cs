using System.Xml.Linq;
using NotebookFunctions.Core.Testing;

namespace NotebookFunctions.Core.Tests.Testing;

public sealed class JUnitReportTests
{
    [Fact]
    public async Task The_xml_is_well_formed_and_counts_tests_failures_errors_and_skips_per_notebook_and_in_all()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("nbf-junit-").FullName, "reports", "junit.xml");
        TestResult[] results =
        [
            new("a.ipynb", "regression", TestKind.Regression, TestOutcome.Passed, [], TimeSpan.FromSeconds(1.5)),
            new("a.ipynb", "big <orders> & \"more\"", TestKind.Case, TestOutcome.Failed, [new TestFailure("scrap 'total' is 1, expected 2", 3, "c2", 4, "detail \u001b[31mred\u0007")], TimeSpan.FromSeconds(2)),
            new("a.ipynb", "fan-out", TestKind.FanOut, TestOutcome.Error, [new TestFailure("the sample is too small")], TimeSpan.Zero),
            new("b.ipynb", "notebook", TestKind.Regression, TestOutcome.Skipped, [], TimeSpan.Zero) { SkipReason = "no tests" },
        ];

        await JUnitReport.WriteAsync(path, results, TimeSpan.FromSeconds(4), DateTimeOffset.UtcNow);

        var root = XDocument.Load(path).Root!;
        Assert.Equal("testsuites", root.Name.LocalName);
        Assert.Equal(("4", "1", "1", "1"), ((string)root.Attribute("tests")!, (string)root.Attribute("failures")!, (string)root.Attribute("errors")!, (string)root.Attribute("skipped")!));
        var suites = root.Elements("testsuite").ToDictionary(s => (string)s.Attribute("name")!);
        Assert.Equal(("3", "1", "1", "0"), ((string)suites["a.ipynb"].Attribute("tests")!, (string)suites["a.ipynb"].Attribute("failures")!, (string)suites["a.ipynb"].Attribute("errors")!, (string)suites["a.ipynb"].Attribute("skipped")!));
        Assert.Equal(("1", "1"), ((string)suites["b.ipynb"].Attribute("tests")!, (string)suites["b.ipynb"].Attribute("skipped")!));
        var failed = suites["a.ipynb"].Elements("testcase").Single(t => (string)t.Attribute("name")! == "big <orders> & \"more\"");
        Assert.Equal("a.ipynb", (string)failed.Attribute("classname")!);
        Assert.Equal("2.000", (string)failed.Attribute("time")!);
        var failure = failed.Element("failure")!;
        Assert.Equal("cell 3 (id 'c2', In [4]): scrap 'total' is 1, expected 2", (string)failure.Attribute("message")!);
        Assert.Contains("detail [31mred", failure.Value, StringComparison.Ordinal);
        Assert.NotNull(suites["a.ipynb"].Elements("testcase").Single(t => (string)t.Attribute("name")! == "fan-out").Element("error"));
        Assert.Equal("no tests", (string)suites["b.ipynb"].Element("testcase")!.Element("skipped")!.Attribute("message")!);
    }
}
