namespace NotebookFunctions.Core.Kernels;

/// <summary>The five sockets of the Jupyter messaging protocol.</summary>
public enum KernelChannel
{
    Shell,
    Control,
    Stdin,
    IoPub,
    Heartbeat,
}
