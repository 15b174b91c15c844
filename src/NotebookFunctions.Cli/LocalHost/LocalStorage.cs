using System.Diagnostics;
using System.Net.Sockets;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Cli.LocalHost;

/// <summary>
/// Finds the storage the local host uses: NBF_STORAGE when set (a connection string or an account URL), else Azurite
/// on 127.0.0.1 (started here when none is listening, data kept in ~/.nbf/azurite so runs survive restarts).
/// </summary>
public sealed class LocalStorage : IAsyncDisposable
{
    private static readonly int[] AzuritePorts = [10000, 10001, 10002];
    private readonly Process? _azurite;

    private LocalStorage(string connection, Process? azurite)
    {
        Connection = connection;
        _azurite = azurite;
    }

    public string Connection { get; }

    /// <summary>True when this process started Azurite (and stops it again on dispose).</summary>
    public bool StartedAzurite => _azurite is not null;

    public static async Task<LocalStorage> EnsureAsync(Action<string> say, CancellationToken cancellationToken = default)
    {
        var configured = Environment.GetEnvironmentVariable("NBF_STORAGE");
        if (!string.IsNullOrWhiteSpace(configured)) return new LocalStorage(configured, null);
        if (await AllListeningAsync()) return new LocalStorage(BlobServiceFactory.DevelopmentStorage, null);

        var executable = FindAzurite() ?? throw new InvalidOperationException(
            "no storage is configured (NBF_STORAGE) and Azurite is neither listening on 127.0.0.1:10000-10002 nor installed; " +
            "install it with scripts/azurite.sh install (npm), or point NBF_STORAGE at a storage account");
        var data = Environment.GetEnvironmentVariable("NBF_AZURITE_DATA")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nbf", "azurite");
        Directory.CreateDirectory(data);
        say($"starting Azurite ({executable}), data in {data}");
        // Azurite writes to a log file in its data folder, not to a pipe of ours: if nbf is killed outright, an Azurite
        // still writing to our closed pipe would die of EPIPE half-way (blob up, tables gone) under the next nbf.
        var log = Path.Combine(data, "azurite.log");
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$NBF_AZURITE_LOG\" 2>&1 </dev/null");
        info.ArgumentList.Add(executable);
        foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1", "--location", data, "--skipApiVersionCheck", "--loose", "--silent" })
            info.ArgumentList.Add(arg);
        info.Environment["NBF_AZURITE_LOG"] = log;
        var process = Process.Start(info)!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await AllListeningAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                process.Kill(true);
                throw new InvalidOperationException($"Azurite did not start listening on 127.0.0.1:10000-10002 within 30 s (exit code {(process.HasExited ? process.ExitCode : null)}; its log: {log})");
            }

            await Task.Delay(200, cancellationToken);
        }

        return new LocalStorage(BlobServiceFactory.DevelopmentStorage, process);
    }

    /// <summary>NBF_AZURITE, then azurite on PATH, then .tools/azurite in this clone (found from the binary's or the current folder).</summary>
    private static string? FindAzurite()
    {
        var explicitPath = Environment.GetEnvironmentVariable("NBF_AZURITE");
        if (!string.IsNullOrEmpty(explicitPath) && File.Exists(explicitPath)) return explicitPath;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "azurite");
            if (File.Exists(candidate)) return candidate;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, ".tools", "azurite", "node_modules", ".bin", "azurite");
                if (File.Exists(candidate)) return candidate;
            }
        }

        return null;
    }

    private static async Task<bool> AllListeningAsync()
    {
        foreach (var port in AzuritePorts)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromMilliseconds(500));
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                return false;
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is null) return;
        try
        {
            if (!_azurite.HasExited)
            {
                // SIGTERM lets Azurite flush its state to disk; SIGKILL only if it does not go.
                Core.Kernels.ProcessSignals.Send(_azurite.Id, Core.Kernels.ProcessSignals.Terminate);
                await _azurite.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (TimeoutException)
        {
            _azurite.Kill(true);
        }

        _azurite.Dispose();
    }
}
