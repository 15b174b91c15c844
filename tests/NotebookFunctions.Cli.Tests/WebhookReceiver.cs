using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// A webhook receiver on loopback (HttpListener), as a team's endpoint would be: it records every request (path,
/// headers, body bytes) and answers as the test decides, including holding a request open until told.
/// </summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<ReceivedRequest, Task<int>> _answer;
    private readonly CancellationTokenSource _stop = new();

    public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);

        public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
    }

    private WebhookReceiver(int port, Func<ReceivedRequest, Task<int>> answer)
    {
        Port = port;
        _answer = answer;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    public IReadOnlyList<ReceivedRequest> On(string path) => Received.Where(r => r.Path == "/" + path).ToList();

    /// <param name="answer">The status to answer a request with, once it is recorded; it may wait before answering.</param>
    public static WebhookReceiver Start(Func<ReceivedRequest, Task<int>>? answer = null) => new(LoopbackPorts.Free(), answer ?? (_ => Task.FromResult(200)));

    /// <summary>Waits until <paramref name="count"/> requests have come to <paramref name="path"/>.</summary>
    public async Task WaitForAsync(string path, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (On(path).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{On(path).Count} request(s) to /{path} after {timeout}, {count} expected");
            await Task.Delay(100);
        }
    }

    /// <summary>Standard Webhooks: HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}" with the secret, base64, as "v1,...".</summary>
    public static bool SignatureIsValid(ReceivedRequest request, string secret)
    {
        if (request.Header("webhook-id") is not { } id || request.Header("webhook-timestamp") is not { } timestamp || request.Header("webhook-signature") is not { } signature) return false;
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)) > 300) return false;
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(request.Body).ToArray()));
        return signature.Split(' ').Any(s => s.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected)));
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!.ToLowerInvariant(), k => context.Request.Headers[k]!);
                var request = new ReceivedRequest(context.Request.Url!.AbsolutePath, headers, body.ToArray());
                Received.Enqueue(request);
                try
                {
                    context.Response.StatusCode = await _answer(request);
                    context.Response.Close();
                }
                catch (Exception)
                {
                    // The sender went away while the request was held: nothing to answer.
                }
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}
