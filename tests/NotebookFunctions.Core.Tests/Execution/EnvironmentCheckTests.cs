using System.Text.Json.Nodes;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Tests.Shared;

namespace NotebookFunctions.Core.Tests.Execution;

/// <summary>A notebook's requirements, read from its metadata and checked by the kernel's own Python.</summary>
public sealed class EnvironmentCheckTests
{
    private static Notebook Requiring(JsonNode? requirements)
    {
        var notebook = TestNotebooks.Of("print(1)");
        notebook.Metadata["notebook_functions"] = new JsonObject { ["requirements"] = requirements };
        return notebook;
    }

    [Theory]
    [InlineData("""["pandas >= = 2"]""", "requirements[0]", "is not a requirement")]
    [InlineData("""["pandas>=2", 3]""", "requirements[1]", "must be a requirement string")]
    [InlineData("""["pandas>=2", "Pandas<3"]""", "requirements", "'pandas' is required twice")]
    [InlineData("""{"pandas": ">=2"}""", "requirements", "must be a list")]
    [InlineData("""["-rf /"]""", "requirements[0]", "is not a requirement")]
    public void A_requirement_that_is_not_one_is_refused_naming_its_entry(string json, string field, string says)
    {
        var e = Assert.Throws<NotebookFormatException>(() => NotebookRequirements.Of(Requiring(JsonNode.Parse(json)), "nb.ipynb"));
        Assert.Equal($"metadata.notebook_functions.{field}", e.Problems[0].Field);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pep_508_requirements_with_extras_specifiers_and_markers_are_read_in_order()
    {
        var requirements = NotebookRequirements.Of(Requiring(JsonNode.Parse("""["pandas[performance]>=2,<3", "numpy~=2.1", "scipy", "tomli; python_version < \"3.11\"", "a.b_c===1.0"]""")), "nb.ipynb");

        Assert.Equal(5, requirements.Count);
        Assert.Equal("a-b-c", NotebookRequirements.Canonical(NotebookRequirements.NameOf(requirements[4])));
        Assert.Empty(NotebookRequirements.Of(TestNotebooks.Of("print(1)"), "nb.ipynb"));
    }

    [Fact]
    public async Task The_kernels_python_says_which_requirements_are_met_with_the_versions_it_found()
    {
        await using var kernel = await Kernel.StartAsync(new KernelSpecFinder().Find("python3"));

        var report = await EnvironmentCheck.RunAsync(kernel, ["pandas>=1", "PANDAS<1", "no-such-package-nbf>=1", "numpy; python_version < \"3\""], CancellationToken.None);

        Assert.False(report.Satisfied);
        Assert.Matches(@"^3\.\d+\.\d+$", report.PythonVersion);
        var byRequirement = report.Requirements.ToDictionary(r => r.Requirement);
        Assert.True(byRequirement["pandas>=1"].Satisfied);
        Assert.NotNull(byRequirement["pandas>=1"].Found);
        // Names compare as PEP 503 normalises them: PANDAS is pandas, found and too new.
        Assert.Equal((false, byRequirement["pandas>=1"].Found), (byRequirement["PANDAS<1"].Satisfied, byRequirement["PANDAS<1"].Found));
        Assert.Equal("no-such-package-nbf>=1: not installed", byRequirement["no-such-package-nbf>=1"].Summary);
        Assert.True(byRequirement["numpy; python_version < \"3\""].Satisfied);
        Assert.Equal("its marker does not apply here", byRequirement["numpy; python_version < \"3\""].Note);
        Assert.Contains("PANDAS<1: found", report.Problems, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_requirement_the_kernels_packaging_cannot_read_says_so_not_that_it_is_not_installed()
    {
        // The shape check lets anything follow ';' (markers are the kernel's to read); a broken marker must not read as a missing package.
        await using var kernel = await Kernel.StartAsync(new KernelSpecFinder().Find("python3"));

        var report = await EnvironmentCheck.RunAsync(kernel, ["pandas; garbage !!!"], CancellationToken.None);

        Assert.False(report.Satisfied);
        Assert.StartsWith("pandas; garbage !!!: not a requirement: ", report.Requirements[0].Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("not installed", report.Problems, StringComparison.Ordinal);
    }
}
