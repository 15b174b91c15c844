using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Core.Tests.Storage;

/// <summary>What a notebook source may hold: a full commit id, a clean repository-relative path, a dirty flag.</summary>
public sealed class NotebookSourceTests
{
    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef01234567")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Full_sha1_and_sha256_commit_ids_are_accepted(string commit) =>
        Assert.Equal(commit, new NotebookSource(commit, "sales.ipynb", dirty: false).Commit);

    [Theory]
    [InlineData("")]
    [InlineData("0123456")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF01234567")]
    [InlineData("0123456789abcdef0123456789abcdef0123456g")]
    [InlineData("0123456789abcdef0123456789abcdef012345678")]
    [InlineData("HEAD")]
    public void Short_uppercase_or_symbolic_commits_are_refused(string commit)
    {
        var e = Assert.Throws<NotebookSourceException>(() => new NotebookSource(commit, "sales.ipynb", dirty: false));

        Assert.Equal("commit", e.Field);
        Assert.Contains("40 or 64 lowercase hex", e.Message);
    }

    [Theory]
    [InlineData("sales.ipynb")]
    [InlineData("notebooks/2026/sales analysis.ipynb")]
    [InlineData("données/ventes.ipynb")]
    [InlineData("a/.hidden/b..c.ipynb")]
    public void Clean_relative_paths_are_accepted(string path) =>
        Assert.Equal(path, new NotebookSource(new string('a', 40), path, dirty: true).Path);

    [Theory]
    [InlineData("", "1 to 1024 characters")]
    [InlineData("/etc/passwd", "relative")]
    [InlineData("C:/notebooks/x.ipynb", "relative")]
    [InlineData("notebooks\\x.ipynb", "forward slashes")]
    [InlineData("../outside.ipynb", "'..' segments")]
    [InlineData("a/../../b.ipynb", "'..' segments")]
    [InlineData("a/./b.ipynb", "'..' segments")]
    [InlineData("a//b.ipynb", "empty")]
    [InlineData("a/b/", "empty")]
    [InlineData("a\nb.ipynb", "control character")]
    [InlineData("a\u0000b.ipynb", "control character")]
    [InlineData("a\u007fb.ipynb", "control character")]
    public void Paths_that_are_not_clean_and_relative_are_refused_naming_why(string path, string why)
    {
        var e = Assert.Throws<NotebookSourceException>(() => new NotebookSource(new string('a', 40), path, dirty: false));

        Assert.Equal("path", e.Field);
        Assert.Contains(why, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void A_path_of_1024_characters_is_the_longest_kept()
    {
        var longest = new string('n', 1018) + ".ipynb";

        Assert.Equal(longest, new NotebookSource(new string('a', 40), longest, dirty: false).Path);
        Assert.Equal("path", Assert.Throws<NotebookSourceException>(() => new NotebookSource(new string('a', 40), "n" + longest, dirty: false)).Field);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("True", true)]
    public void Dirty_reads_true_or_false(string text, bool dirty) => Assert.Equal(dirty, NotebookSource.ParseDirty(text));

    [Theory]
    [InlineData("")]
    [InlineData("yes")]
    [InlineData("1")]
    public void Dirty_refuses_anything_else(string text) =>
        Assert.Equal("dirty", Assert.Throws<NotebookSourceException>(() => NotebookSource.ParseDirty(text)).Field);

    [Fact]
    public void Describe_shows_the_short_commit_the_path_and_uncommitted_changes()
    {
        var commit = "0123456789abcdef0123456789abcdef01234567";

        Assert.Equal("0123456789ab notebooks/sales.ipynb", new NotebookSource(commit, "notebooks/sales.ipynb", dirty: false).Describe());
        Assert.Equal("0123456789ab notebooks/sales.ipynb (uncommitted changes)", new NotebookSource(commit, "notebooks/sales.ipynb", dirty: true).Describe());
    }
}
