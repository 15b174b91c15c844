namespace NotebookFunctions.Core.Kernels;

/// <summary>An installed kernel, from its kernel.json: how to start it and what language it speaks.</summary>
public sealed record KernelSpec(
    string Name,
    IReadOnlyList<string> Argv,
    string DisplayName,
    string Language,
    IReadOnlyDictionary<string, string> Env,
    string InterruptMode,
    string ResourceDirectory)
{
    /// <summary>True for IPython kernels, which accept IPython configuration on the command line.</summary>
    public bool IsIPython => Argv.Any(a => a.Contains("ipykernel", StringComparison.Ordinal));
}
