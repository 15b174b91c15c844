using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Kernels;

/// <summary>The five ports, address and key a kernel is told to use, as written to its connection file.</summary>
public sealed record ConnectionInfo(
    string Ip,
    int ShellPort,
    int IopubPort,
    int StdinPort,
    int ControlPort,
    int HbPort,
    string Key,
    string Transport = "tcp",
    string SignatureScheme = "hmac-sha256",
    string KernelName = "")
{
    /// <summary>Picks five free loopback ports and a random 256-bit key.</summary>
    /// <remarks>Ports are found by binding to 0 and releasing, so another process may take one before the kernel binds: callers retry the start.</remarks>
    public static ConnectionInfo CreateForLoopback(string kernelName)
    {
        var ports = FreePorts(5);
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return new ConnectionInfo("127.0.0.1", ports[0], ports[1], ports[2], ports[3], ports[4], key, KernelName: kernelName);
    }

    public string Endpoint(int port) => $"{Transport}://{Ip}:{port}";

    /// <summary>Writes the connection file readable by the owner only: it holds the signing key.</summary>
    public void WriteFile(string path)
    {
        var json = new JsonObject
        {
            ["shell_port"] = ShellPort,
            ["iopub_port"] = IopubPort,
            ["stdin_port"] = StdinPort,
            ["control_port"] = ControlPort,
            ["hb_port"] = HbPort,
            ["ip"] = Ip,
            ["key"] = Key,
            ["transport"] = Transport,
            ["signature_scheme"] = SignatureScheme,
            ["kernel_name"] = KernelName,
        };
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(json.ToJsonString());
    }

    private static int[] FreePorts(int count)
    {
        // Hold all listeners open together so the five ports differ from each other.
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
