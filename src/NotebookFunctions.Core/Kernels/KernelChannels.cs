using NetMQ;
using NetMQ.Sockets;

namespace NotebookFunctions.Core.Kernels;

/// <summary>
/// The ZeroMQ side of one kernel: shell, control, stdin and iopub sockets owned by a single poller thread
/// (NetMQ sockets are not thread-safe), sends marshalled to it through a queue.
/// </summary>
internal sealed class KernelChannels : IDisposable
{
    private readonly NetMQPoller _poller;
    private readonly NetMQQueue<(KernelChannel Channel, List<byte[]> Frames)> _outbox = new();
    private readonly DealerSocket _shell = new();
    private readonly DealerSocket _control = new();
    private readonly DealerSocket _stdin = new();
    private readonly SubscriberSocket _iopub = new();
    private readonly ConnectionInfo _connection;
    private readonly MessageSigner _signer;
    private readonly Action<KernelChannel, JupyterMessage> _onMessage;
    private readonly Action<KernelChannel, Exception> _onBadMessage;
    private int _disposed;

    public KernelChannels(ConnectionInfo connection, MessageSigner signer, Action<KernelChannel, JupyterMessage> onMessage, Action<KernelChannel, Exception> onBadMessage)
    {
        _connection = connection;
        _signer = signer;
        _onMessage = onMessage;
        _onBadMessage = onBadMessage;

        // The stdin socket must share the shell socket's identity, or the kernel cannot route input requests to us.
        var identity = Guid.NewGuid().ToByteArray();
        _shell.Options.Identity = identity;
        _stdin.Options.Identity = identity;
        foreach (var socket in new NetMQSocket[] { _shell, _control, _stdin, _iopub })
        {
            socket.Options.Linger = TimeSpan.Zero;
        }

        _iopub.SubscribeToAnyTopic();
        _shell.Connect(connection.Endpoint(connection.ShellPort));
        _control.Connect(connection.Endpoint(connection.ControlPort));
        _stdin.Connect(connection.Endpoint(connection.StdinPort));
        _iopub.Connect(connection.Endpoint(connection.IopubPort));

        _shell.ReceiveReady += (_, e) => Receive(KernelChannel.Shell, e.Socket);
        _control.ReceiveReady += (_, e) => Receive(KernelChannel.Control, e.Socket);
        _stdin.ReceiveReady += (_, e) => Receive(KernelChannel.Stdin, e.Socket);
        _iopub.ReceiveReady += (_, e) => Receive(KernelChannel.IoPub, e.Socket);
        _outbox.ReceiveReady += (_, e) =>
        {
            while (e.Queue.TryDequeue(out var item, TimeSpan.Zero)) SendNow(item.Channel, item.Frames);
        };

        _poller = new NetMQPoller { _shell, _control, _stdin, _iopub, _outbox };
        var thread = new Thread(RunPoller) { IsBackground = true, Name = "jupyter-kernel-io" };
        thread.Start();
    }

    private void RunPoller()
    {
        try
        {
            _poller.Run();
        }
        catch (TerminatingException)
        {
            // NetMQ's context was torn down at process exit while this kernel was still open: nothing left to serve.
        }
        catch (ObjectDisposedException)
        {
            // Disposed while stopping.
        }
    }

    /// <summary>Queues a message for the poller thread to sign and send.</summary>
    public void Send(KernelChannel channel, JupyterMessage message)
    {
        if (Volatile.Read(ref _disposed) != 0) throw new ObjectDisposedException(nameof(KernelChannels));
        _outbox.Enqueue((channel, WireFormat.Serialize(message, _signer)));
    }

    /// <summary>One heartbeat round trip on a fresh REQ socket (a REQ socket is stuck for good after one missed reply).</summary>
    public bool Heartbeat(TimeSpan timeout)
    {
        using var hb = new RequestSocket();
        hb.Options.Linger = TimeSpan.Zero;
        hb.Connect(_connection.Endpoint(_connection.HbPort));
        var ping = Guid.NewGuid().ToByteArray();
        if (!hb.TrySendFrame(timeout, ping)) return false;
        return hb.TryReceiveFrameBytes(timeout, out var pong) && pong.AsSpan().SequenceEqual(ping);
    }

    private void SendNow(KernelChannel channel, List<byte[]> frames)
    {
        var socket = channel switch
        {
            KernelChannel.Shell => _shell,
            KernelChannel.Control => _control,
            KernelChannel.Stdin => _stdin,
            _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "cannot send on this channel"),
        };
        var message = new NetMQMessage(frames.Count);
        foreach (var frame in frames) message.Append(frame);
        socket.TrySendMultipartMessage(message);
    }

    private void Receive(KernelChannel channel, NetMQSocket socket)
    {
        var message = new NetMQMessage();
        while (socket.TryReceiveMultipartMessage(ref message))
        {
            var frames = new List<byte[]>(message.FrameCount);
            foreach (var frame in message) frames.Add(frame.ToByteArray());
            JupyterMessage parsed;
            try
            {
                parsed = WireFormat.Deserialize(frames, _signer);
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
            {
                _onBadMessage(channel, e);
                continue;
            }

            _onMessage(channel, parsed);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            _poller.Stop();
        }
        catch (InvalidOperationException)
        {
            // Not running.
        }

        _poller.Dispose();
        _outbox.Dispose();
        foreach (var socket in new NetMQSocket[] { _shell, _control, _stdin, _iopub })
        {
            socket.Dispose();
        }
    }
}
