using System.Threading.Channels;

namespace NotebookFunctions.Core.Kernels;

/// <summary>A request in flight: its shell (or control) reply, and the iopub messages it caused, ending after status idle.</summary>
public sealed class KernelRequest
{
    private readonly TaskCompletionSource<JupyterMessage> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<JupyterMessage> _iopub = Channel.CreateUnbounded<JupyterMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    internal KernelRequest(JupyterMessage request) => Request = request;

    public JupyterMessage Request { get; }

    public string MsgId => Request.MsgId;

    /// <summary>The reply on shell or control; faults with <see cref="KernelDiedException"/> if the kernel dies first.</summary>
    public Task<JupyterMessage> Reply => _reply.Task;

    /// <summary>Iopub messages parented to this request, in order; completes after the idle status.</summary>
    public ChannelReader<JupyterMessage> IoPub => _iopub.Reader;

    internal bool IdleSeen { get; private set; }

    internal void OnReply(JupyterMessage reply) => _reply.TrySetResult(reply);

    internal void OnIoPub(JupyterMessage message)
    {
        _iopub.Writer.TryWrite(message);
        if (message.MsgType == "status" && message.Content["execution_state"]?.GetValue<string>() == "idle")
        {
            IdleSeen = true;
            _iopub.Writer.TryComplete();
        }
    }

    internal void Fail(Exception error)
    {
        _reply.TrySetException(error);
        _iopub.Writer.TryComplete(error);
    }
}
