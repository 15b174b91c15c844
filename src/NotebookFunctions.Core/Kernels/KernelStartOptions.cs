namespace NotebookFunctions.Core.Kernels;

/// <summary>How to start one kernel.</summary>
public sealed record KernelStartOptions
{
    /// <summary>The kernel's working directory; the current directory when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables for the kernel process (secrets travel this way and no other).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the kernel may take to answer its first kernel_info_request.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Starts tried when the kernel loses a race for a port.</summary>
    public int PortAttempts { get; init; } = 5;

    /// <summary>Start at low CPU priority (a pool warming up must not slow the kernels doing work).</summary>
    public bool BackgroundPriority { get; init; }

    /// <summary>Start by forking a server that has imported ipykernel already, when the kernelspec allows it.</summary>
    public bool AllowFork { get; init; } = true;

    /// <summary>Code the fork server runs once before forking (e.g. "import pandas"): every forked kernel has it imported.</summary>
    public string? ForkWarmup { get; init; }

    /// <summary>Called with every line the kernel writes to stderr.</summary>
    public Action<string>? OnStderrLine { get; init; }
}
