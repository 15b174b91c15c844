using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests.Notebooks;

/// <summary>NAME.requirements.txt: read as pip reads requirement lines, folded into the published version's metadata.</summary>
public sealed class RequirementsFileTests
{
    [Fact]
    public void Lines_comments_and_blanks_are_read_as_pip_reads_them_and_folded_after_the_notebook_s_own()
    {
        var notebook = TestNotebooks.Of("print(1)");
        notebook.Metadata["notebook_functions"] = new JsonObject { ["requirements"] = new JsonArray("pandas>=1.5,<3") };

        var lines = RequirementsFile.Parse("# analysis needs\nnumpy>=1.20  # arrays\n\n  packaging ; python_version >= '3.8'\r\nscipy>=1\n", "nb.requirements.txt");
        RequirementsFile.Fold(notebook, lines, "nb.ipynb");

        Assert.Equal(["numpy>=1.20", "packaging ; python_version >= '3.8'", "scipy>=1"], lines);
        Assert.Equal(["pandas>=1.5,<3", "numpy>=1.20", "packaging ; python_version >= '3.8'", "scipy>=1"], NotebookRequirements.Of(notebook, "nb.ipynb"));
    }

    [Theory]
    [InlineData("pandas\n-r other.txt\n", "line 2", "pip option")]
    [InlineData("-e .\n", "line 1", "pip option")]
    [InlineData("numpy\n\nmypkg @ https://example.com/mypkg.whl\n", "line 3", "direct reference")]
    [InlineData("./local/pkg\n", "line 1", "direct reference")]
    [InlineData("pandas >= = 2\n", "line 1", "is not a requirement")]
    public void A_line_that_is_not_a_plain_requirement_is_refused_naming_the_line(string text, string line, string says)
    {
        var e = Assert.Throws<NotebookFormatException>(() => RequirementsFile.Parse(text, "nb.requirements.txt"));

        var problem = Assert.Single(e.Problems);
        Assert.Equal(line, problem.Field);
        Assert.Contains(says, problem.Message, StringComparison.Ordinal);
        Assert.Contains("nb.requirements.txt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_package_named_by_the_notebook_and_by_the_file_is_refused()
    {
        var notebook = TestNotebooks.Of("print(1)");
        notebook.Metadata["notebook_functions"] = new JsonObject { ["requirements"] = new JsonArray("Pandas>=1") };

        var e = Assert.Throws<NotebookFormatException>(() => RequirementsFile.Fold(notebook, ["pandas<3"], "nb.ipynb"));

        Assert.Contains("'pandas' is required twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sidecar_is_found_beside_the_notebook_by_its_name()
    {
        var folder = Directory.CreateTempSubdirectory("nbf-reqs-").FullName;
        var path = Path.Combine(folder, "sales.ipynb");
        var notebook = TestNotebooks.Of("print(1)");
        Assert.False(RequirementsFile.FoldSidecar(notebook, path));

        File.WriteAllText(Path.Combine(folder, "sales.requirements.txt"), "numpy\n");
        Assert.True(RequirementsFile.FoldSidecar(notebook, path));
        Assert.Equal(["numpy"], NotebookRequirements.Of(notebook, path));
        Directory.Delete(folder, recursive: true);
    }
}
