namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// The hosts nbf embeds take no configuration from the folder nbf is started in: .NET's default builders read its
/// appsettings.json (a malformed one crashed every host command; a project's own one configured nbf's Kestrel) and put
/// an inotify watch on each of its folders.
/// </summary>
public sealed class EmbeddedHostConfigurationTests
{
    [Theory]
    [InlineData("{ \"Logging\": ")]
    [InlineData("{ \"Logging\": { \"LogLevel\": { \"Default\": \"Trace\" } } }")]
    public async Task A_worker_started_in_a_project_folder_neither_reads_its_appsettings_nor_watches_its_tree(string appsettings)
    {
        var folder = NbfProcess.TempFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.json"), appsettings);
        for (var i = 0; i < 40; i++) Directory.CreateDirectory(Path.Combine(folder, $"src{i}", "obj", "bin"));

        var hub = $"nbfc{Guid.NewGuid():N}"[..16];
        using var worker = NbfProcess.Start(new Dictionary<string, string> { ["NBF_TASK_HUB"] = hub, ["NBF_WORKER_ID"] = "cfg" }, ["worker", "--parallel", "1"], viaSetsid: false, workingDirectory: folder);
        var stderr = worker.StandardError.ReadToEndAsync();
        try
        {
            using var ready = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var line = await worker.StandardOutput.ReadLineAsync(ready.Token);
            Assert.True(line == "worker cfg ready", $"the worker said '{line}'; stderr: {(worker.HasExited ? await stderr : "(running)")}");

            // 120 folders: the default builders watched every one of them, twice (the sidecar and the worker).
            Assert.True(InotifyWatches(worker.Id) < 20, $"{InotifyWatches(worker.Id)} inotify watches");
        }
        finally
        {
            await NbfProcess.TerminateAsync(worker, TimeSpan.FromSeconds(30));
        }

        Assert.DoesNotContain("appsettings", await stderr, StringComparison.Ordinal);
    }

    private static int InotifyWatches(int pid) =>
        Directory.GetFiles($"/proc/{pid}/fdinfo")
            .Sum(info =>
            {
                try
                {
                    return File.ReadLines(info).Count(l => l.StartsWith("inotify ", StringComparison.Ordinal));
                }
                catch (IOException)
                {
                    return 0;
                }
            });
}
