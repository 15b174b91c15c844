using System.Diagnostics;
using System.Net;

namespace NotebookFunctions.Cli.Tests;

/// <summary>An Azurite of a test's own, on free ports, that it may kill and start again on the same data.</summary>
internal sealed class PrivateAzurite : IAsyncDisposable
{
    private readonly string _location;
    private readonly int[] _ports;
    private Process _process;

    private PrivateAzurite(string location, int[] ports, Process process)
    {
        _location = location;
        _ports = ports;
        _process = process;
    }

    public string ConnectionString => Core.Storage.BlobServiceFactory.DevelopmentStorageOn(_ports[0], _ports[1], _ports[2]);

    public static async Task<PrivateAzurite> StartAsync(string location)
    {
        Directory.CreateDirectory(location);
        // A free port can be taken by a test running beside this one before Azurite binds it (seen in CI: Azurite
        // exits at once); fresh ports are tried then, a few times.
        for (var attempt = 1; ; attempt++)
        {
            int[] ports = [LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free()];
            var (process, error) = await TryLaunchAsync(location, ports);
            if (process is not null) return new PrivateAzurite(location, ports, process);
            Assert.True(attempt < 3, $"the private Azurite did not start: {error}");
        }
    }

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task RestartAsync()
    {
        var (process, error) = await TryLaunchAsync(_location, _ports);
        _process = process ?? throw new InvalidOperationException($"the private Azurite did not start again on its ports: {error}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        await Task.CompletedTask;
    }

    private static async Task<(Process? Process, string Error)> TryLaunchAsync(string location, int[] ports)
    {
        var info = new ProcessStartInfo(Executable()) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", $"{ports[0]}", "--queueHost", "127.0.0.1", "--queuePort", $"{ports[1]}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{ports[2]}", "--location", location, "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
        })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // Listening ports alone could be another process's (the one that took a port): this Azurite must be alive too.
        while (!ports.All(Listening) || process.HasExited)
        {
            if (process.HasExited)
            {
                var error = $"exited with code {process.ExitCode}: {(await stderr).Trim()}";
                process.Dispose();
                return (null, error);
            }

            if (DateTime.UtcNow >= deadline)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                return (null, "not listening on its ports after 60 s");
            }

            await Task.Delay(200);
        }

        return (process, string.Empty);
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static string Executable()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".tools", "azurite", "node_modules", ".bin", "azurite");
            if (File.Exists(candidate)) return candidate;
        }

        throw new InvalidOperationException("Azurite is not installed in .tools/azurite (scripts/azurite.sh install)");
    }

}
