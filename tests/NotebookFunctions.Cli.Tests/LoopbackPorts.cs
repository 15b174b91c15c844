using System.Net;
using System.Net.Sockets;

namespace NotebookFunctions.Cli.Tests;

/// <summary>A port free on loopback now (bound to 0, then released), for a server a test starts.</summary>
internal static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
