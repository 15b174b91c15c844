namespace NotebookFunctions.Core.Kernels;

/// <summary>Hands out a fresh, started kernel for one execution; the caller disposes it afterwards (kernels are never reused).</summary>
public interface IKernelProvider
{
    Task<Kernel> AcquireAsync(KernelSpec spec, KernelStartOptions options, CancellationToken cancellationToken);

    /// <summary>Takes back a kernel after its one execution; it is shut down, never reused.</summary>
    ValueTask ReleaseAsync(Kernel kernel) => kernel.DisposeAsync();
}

/// <summary>Starts a new kernel for every request: no warm-up, no idle kernels.</summary>
public sealed class FreshKernelProvider : IKernelProvider
{
    public Task<Kernel> AcquireAsync(KernelSpec spec, KernelStartOptions options, CancellationToken cancellationToken) =>
        Kernel.StartAsync(spec, options, cancellationToken);
}
