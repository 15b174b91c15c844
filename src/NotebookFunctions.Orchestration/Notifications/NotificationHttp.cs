using System.Net;
using System.Net.Sockets;

namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>Thrown by the connection itself when a target resolves to an address the host does not allow.</summary>
public sealed class RefusedTargetException(string message) : IOException(message);

/// <summary>
/// The one HTTP client deliveries use. Its connections resolve the target's name themselves and refuse non-public
/// addresses (the policy read when each connection opens), so a name that was public when the run was asked for and
/// points inside later (DNS rebinding) is still refused. No proxy (the guard must see the real target), no redirects
/// (a 3xx could point anywhere), short timeouts (a slow receiver holds a worker).
/// </summary>
public static class NotificationHttp
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    public static HttpClient Client { get; } = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = ConnectAsync,
    })
    {
        Timeout = RequestTimeout,
    };

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var policy = NotificationTargetPolicy.FromEnvironment();
        var addresses = await TargetAddresses.ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        if (TargetAddresses.FirstRefused(addresses, policy) is { } refused)
            throw new RefusedTargetException($"'{context.DnsEndPoint.Host}' resolves to {refused.Address}, {refused.Why}; notifications go to public addresses only ({NotificationTargetPolicy.AllowPrivateSetting} is not set)");
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }
}
