using System.Text.RegularExpressions;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Secrets;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// What all tests of one <c>nbf test</c> share: the executor (over a warm kernel pool), the secret sources, and the
/// slots that bound how many kernels run at once. A slot is taken per execution, not per test, so a fan-out check's
/// chunks share the slots with the cases around them.
/// </summary>
public sealed partial class TestSession(NotebookExecutor executor, ISecretSource secrets, int parallel) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, parallel), Math.Max(1, parallel));

    /// <summary>Kernels that run at once.</summary>
    public int Parallel { get; } = Math.Max(1, parallel);

    /// <summary>Longest any one execution may take (a case's maxSeconds may only shorten it).</summary>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Where the executed notebooks of every test are written (NOTEBOOK/CASE.ipynb); not kept when null.</summary>
    public string? KeepFolder { get; init; }

    public Task<SampleOutcome> RunAsync(SampleExecution execution, CancellationToken cancellationToken) =>
        InSlotAsync(() => execution.RunAsync(executor, cancellationToken), cancellationToken);

    public Task<ExecutionResult> ExecuteAsync(Notebook notebook, ExecutionOptions options, CancellationToken cancellationToken) =>
        InSlotAsync(() => executor.ExecuteAsync(notebook, options with { Timeout = options.Timeout ?? CaseTimeout }, cancellationToken), cancellationToken);

    private async Task<T> InSlotAsync<T>(Func<Task<T>> execute, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await execute();
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <exception cref="SecretNotFoundException">A name none of the sources knows.</exception>
    public async Task<(IReadOnlyDictionary<string, string> Environment, SecretRedactor Redactor)> ResolveSecretsAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var values = await SecretResolver.ResolveAsync(secrets, names, cancellationToken);
        return (values, SecretRedactor.For(values.Values));
    }

    /// <summary>
    /// Writes an executed notebook (secrets masked) under <see cref="KeepFolder"/>, so a failure can be opened and read.
    /// Not cancellable: a run interrupted with Ctrl+C still keeps what it executed.
    /// </summary>
    public async Task KeepAsync(TestSuite suite, string label, ExecutionResult result, SecretRedactor redactor)
    {
        if (KeepFolder is null) return;
        var folder = Path.Combine(KeepFolder, UniqueName(suite.DisplayName.Length > 0 ? suite.DisplayName : Path.GetFileName(suite.NotebookPath)));
        Directory.CreateDirectory(folder);
        await NotebookWriter.WriteAtomicallyAsync(redactor.RedactNotebook(result.Notebook), Path.Combine(folder, UniqueName(label) + ".ipynb"), CancellationToken.None);
    }

    /// <summary>A case name as a file name: anything but letters, digits, '.', '-' and '_' becomes '-'.</summary>
    public static string SafeName(string name) => Unsafe().Replace(name, "-").Trim('-', '.') is { Length: > 0 } safe ? safe : "case";

    /// <summary>
    /// <see cref="SafeName"/>, then a short hash of the exact name whenever characters were replaced, so that "a/b" and
    /// "a-b" (or two names of emoji) do not write over each other; "regression" is the regression's alone.
    /// </summary>
    public static string UniqueName(string label)
    {
        var safe = SafeName(label);
        return safe == label ? safe : $"{safe}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(label)))[..8]}";
    }

    /// <summary>
    /// Loads the reduce notebook a map names, for the fan-out check: by default a .ipynb file beside the map (what nbf
    /// publishes with it); a backend loads published ones instead.
    /// </summary>
    public Func<NotebookReduce, string, CancellationToken, Task<Notebook>>? ReduceLoader { get; init; }

    public void Dispose() => _slots.Dispose();

    [GeneratedRegex(@"[^A-Za-z0-9._-]+")]
    private static partial Regex Unsafe();
}
