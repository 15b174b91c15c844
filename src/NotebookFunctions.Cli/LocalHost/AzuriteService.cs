using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace NotebookFunctions.Cli.LocalHost;

/// <summary>
/// The Azurite nbf runs as the local default storage, like a local service: started detached in its own session (so
/// closing a terminal or killing nbf's process group never takes storage down unsaved), kept running across nbf
/// commands, stopped only on request (SIGTERM, which makes it save its state). Data, log and pid live in
/// ~/.nbf/azurite (NBF_AZURITE_DATA to move them).
/// </summary>
public static class AzuriteService
{
    private static readonly int[] DefaultPorts = [10000, 10001, 10002];

    /// <summary>Blob, queue and table ports: 10000-10002, or NBF_AZURITE_PORTS="blob,queue,table" (a second local storage, tests).</summary>
    public static int[] Ports =>
        Environment.GetEnvironmentVariable("NBF_AZURITE_PORTS") is { Length: > 0 } configured
            && configured.Split(',') is [var blob, var queue, var table]
            && int.TryParse(blob, CultureInfo.InvariantCulture, out var b) && int.TryParse(queue, CultureInfo.InvariantCulture, out var q) && int.TryParse(table, CultureInfo.InvariantCulture, out var t)
            ? [b, q, t]
            : DefaultPorts;

    /// <summary>How the local host reaches it: the development storage account on these ports.</summary>
    public static string ConnectionString => Ports.SequenceEqual(DefaultPorts)
        ? Core.Storage.BlobServiceFactory.DevelopmentStorage
        : Core.Storage.BlobServiceFactory.DevelopmentStorageOn(Ports[0], Ports[1], Ports[2]);

    public static string DataFolder =>
        Environment.GetEnvironmentVariable("NBF_AZURITE_DATA") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nbf", "azurite");

    public static string LogFile => Path.Combine(DataFolder, "azurite.log");

    private static string PidFile => Path.Combine(DataFolder, "azurite.pid");

    /// <summary>The pid of the Azurite nbf started, when it still runs.</summary>
    public static int? RunningPid()
    {
        if (!File.Exists(PidFile) || !int.TryParse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture, out var pid)) return null;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : pid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static async Task<bool> ListeningAsync()
    {
        foreach (var port in Ports)
        {
            using var client = new TcpClient();
            try
            {
                // Refused at once when nothing listens; a busy machine may take seconds to accept, and a false "not
                // listening" would start a second Azurite on ports the first one holds.
                await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Starts Azurite detached and waits until it listens; nothing is started when one already listens.</summary>
    public static async Task StartAsync(Action<string> say, CancellationToken cancellationToken)
    {
        if (await ListeningAsync()) return;
        var executable = FindExecutable() ?? throw new InvalidOperationException(
            $"no storage is configured (NBF_STORAGE) and Azurite is neither listening on 127.0.0.1:{string.Join('/', Ports)} nor installed; " +
            "install it with scripts/azurite.sh install (npm), or point NBF_STORAGE at a storage account");
        Directory.CreateDirectory(DataFolder);
        say($"starting Azurite in the background ({executable}), data in {DataFolder}; it keeps running after nbf exits (nbf storage stop ends it)");
        // setsid: its own session and process group, so no signal meant for nbf's terminal or group reaches it. Its
        // output goes to a file, never to a pipe of nbf's that dies with nbf.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("setsid \"$0\" \"$@\" >>\"$NBF_AZURITE_LOG\" 2>&1 </dev/null & echo $!");
        info.ArgumentList.Add(executable);
        var ports = Ports;
        foreach (var arg in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", $"{ports[0]}", "--queueHost", "127.0.0.1", "--queuePort", $"{ports[1]}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{ports[2]}", "--location", DataFolder, "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
        })
            info.ArgumentList.Add(arg);
        info.Environment["NBF_AZURITE_LOG"] = LogFile;
        using (var shell = Process.Start(info)!)
        {
            var pid = (await shell.StandardOutput.ReadToEndAsync(cancellationToken)).Trim();
            await shell.WaitForExitAsync(cancellationToken);
            await File.WriteAllTextAsync(PidFile, pid + "\n", cancellationToken);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await ListeningAsync())
        {
            if (RunningPid() is null || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"Azurite did not start listening on 127.0.0.1:{string.Join('/', Ports)} within 30 s; its log: {LogFile}");
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Stops the Azurite nbf started with SIGTERM (it saves its state first); false when none of nbf's runs.</summary>
    public static async Task<bool> StopAsync(CancellationToken cancellationToken)
    {
        if (RunningPid() is not { } pid) return false;
        Core.Kernels.ProcessSignals.Send(pid, Core.Kernels.ProcessSignals.Terminate);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (RunningPid() is not null && DateTime.UtcNow < deadline) await Task.Delay(200, cancellationToken);
        if (RunningPid() is not null) throw new InvalidOperationException($"Azurite (pid {pid}) did not stop within 20 s of SIGTERM; its log: {LogFile}");
        File.Delete(PidFile);
        return true;
    }

    /// <summary>NBF_AZURITE, then azurite on PATH, then .tools/azurite in this clone (found from the binary's or the current folder).</summary>
    private static string? FindExecutable()
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
}
