namespace NotebookFunctions.Cli.Tests;

/// <summary>A notebook file's git provenance, asked of the real git about real temporary repositories.</summary>
public sealed class GitProvenanceTests
{
    private const string Notebook = "notebooks/données/sales.ipynb";

    [Fact]
    public async Task A_committed_file_is_clean_at_HEAD_with_its_repository_relative_path()
    {
        var repository = await TemporaryGitRepository.InitAsync();
        var path = repository.Write(Notebook, "{}\n");
        var commit = await repository.CommitAllAsync("add the notebook");

        var provenance = await GitProvenance.FindAsync(path);

        Assert.NotNull(provenance);
        Assert.Equal(Path.GetFullPath(repository.Root), Path.GetFullPath(provenance.RepositoryRoot));
        Assert.Equal(commit, provenance.Source.Commit);
        Assert.Equal(Notebook, provenance.Source.Path);
        Assert.False(provenance.Source.Dirty);
    }

    [Fact]
    public async Task A_file_changed_since_HEAD_is_dirty_even_when_staged()
    {
        var repository = await TemporaryGitRepository.InitAsync();
        var path = repository.Write(Notebook, "{}\n");
        var commit = await repository.CommitAllAsync("add the notebook");
        repository.Write(Notebook, "{\"changed\": true}\n");

        var modified = await GitProvenance.FindAsync(path);
        await repository.GitAsync("add", Notebook);
        var staged = await GitProvenance.FindAsync(path);

        Assert.Equal(commit, modified!.Source.Commit);
        Assert.True(modified.Source.Dirty);
        Assert.True(staged!.Source.Dirty);
    }

    [Fact]
    public async Task Untracked_and_ignored_files_are_dirty()
    {
        var repository = await TemporaryGitRepository.InitAsync();
        repository.Write(".gitignore", "scratch/\n");
        var commit = await repository.CommitAllAsync("ignore scratch");
        var untracked = repository.Write("new/draft.ipynb", "{}\n");
        var ignored = repository.Write("scratch/try.ipynb", "{}\n");

        var forUntracked = await GitProvenance.FindAsync(untracked);
        var forIgnored = await GitProvenance.FindAsync(ignored);

        Assert.Equal(commit, forUntracked!.Source.Commit);
        Assert.Equal("new/draft.ipynb", forUntracked.Source.Path);
        Assert.True(forUntracked.Source.Dirty);
        Assert.Equal("scratch/try.ipynb", forIgnored!.Source.Path);
        Assert.True(forIgnored.Source.Dirty);
    }

    [Fact]
    public async Task A_file_name_is_a_literal_path_not_a_pattern()
    {
        var repository = await TemporaryGitRepository.InitAsync();
        var pattern = repository.Write("[ab].ipynb", "{}\n");
        repository.Write("a.ipynb", "{}\n");
        await repository.CommitAllAsync("two notebooks");
        repository.Write("a.ipynb", "{\"changed\": true}\n");

        var provenance = await GitProvenance.FindAsync(pattern);

        Assert.Equal("[ab].ipynb", provenance!.Source.Path);
        Assert.False(provenance.Source.Dirty);
    }

    [Fact]
    public async Task A_sha256_repository_gives_a_64_digit_commit()
    {
        var repository = await TemporaryGitRepository.InitAsync(objectFormat: "sha256");
        var path = repository.Write("sales.ipynb", "{}\n");
        var commit = await repository.CommitAllAsync("add the notebook");

        var provenance = await GitProvenance.FindAsync(path);

        Assert.Equal(64, commit.Length);
        Assert.Equal(commit, provenance!.Source.Commit);
    }

    [Fact]
    public async Task Outside_a_repository_or_before_the_first_commit_there_is_none()
    {
        var outside = Path.Combine(NbfProcess.TempFolder(), "loose.ipynb");
        await File.WriteAllTextAsync(outside, "{}\n");
        var repository = await TemporaryGitRepository.InitAsync();
        var uncommitted = repository.Write("first.ipynb", "{}\n");

        Assert.Null(await GitProvenance.FindAsync(outside));
        Assert.Null(await GitProvenance.FindAsync(uncommitted));
        Assert.Null(await GitProvenance.FindAsync(Path.Combine(repository.Root, "missing.ipynb")));
    }
}
