using System.Diagnostics;

namespace NotebookFunctions.Deployment.Tests;

/// <summary>
/// infra/scripts/entra-sign-in.sh, run as the postprovision hook runs it, against stand-ins for az and azd that record
/// what they were asked (Entra ID itself is not reachable from a test): the app's sign-in callback becomes a redirect
/// URI of the registration, ID tokens are issued, and the redirect URIs it had are kept, once each.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SignInRegistrationTests : IDisposable
{
    private const string AppId = "11111111-2222-3333-4444-555555555555";
    private const string Host = "func-nbf-abc.azurewebsites.net";
    private const string Callback = $"https://{Host}/.auth/login/aad/callback";

    private readonly string _folder = Directory.CreateTempSubdirectory("nbf-signin-").FullName;

    public SignInRegistrationTests()
    {
        // az: "ad app show" prints the registration's redirect URIs (one a line, as -o tsv does); every call is recorded, one argument a line.
        Tool("az", """
            printf '%s\n' "$@" >> "$CALLS/az.log"; echo "%%end%%" >> "$CALLS/az.log"
            if [ "$1 $2 $3" = "ad app show" ]; then cat "$CALLS/uris"; fi
            """);
        Tool("azd", """
            if [ "$1 $2 $3" = "env get-value API_CLIENT_ID" ] && [ -n "${AZD_CLIENT_ID:-}" ]; then echo "$AZD_CLIENT_ID"; exit 0; fi
            exit 1
            """);
    }

    [Fact]
    public async Task The_callback_is_added_to_the_redirect_uris_it_had_and_id_tokens_are_issued()
    {
        var (exit, output) = await RunAsync(uris: ["https://localhost:5001/signin", "https://other.example/cb"]);

        Assert.True(exit == 0, output);
        var update = Update();
        Assert.Equal([AppId], After(update, "--id"));
        Assert.Equal(["https://localhost:5001/signin", "https://other.example/cb", Callback], After(update, "--web-redirect-uris"));
        Assert.Equal(["true"], After(update, "--enable-id-token-issuance"));
    }

    [Fact]
    public async Task Run_again_it_lists_the_callback_once()
    {
        var (exit, output) = await RunAsync(uris: [Callback, "https://localhost:5001/signin"]);

        Assert.True(exit == 0, output);
        Assert.Equal(["https://localhost:5001/signin", Callback], After(Update(), "--web-redirect-uris"));
    }

    [Fact]
    public async Task The_client_id_comes_from_the_azd_environment_when_the_hook_was_not_given_it()
    {
        var (exit, output) = await RunAsync(uris: [], clientIdInEnvironment: false);

        Assert.True(exit == 0, output);
        Assert.Equal([AppId], After(Update(), "--id"));
        Assert.Equal([Callback], After(Update(), "--web-redirect-uris"));
    }

    [Fact]
    public async Task A_registration_it_cannot_read_stops_it_before_any_change()
    {
        Tool("az", """
            printf '%s\n' "$@" >> "$CALLS/az.log"; echo "%%end%%" >> "$CALLS/az.log"
            if [ "$1 $2 $3" = "ad app show" ]; then echo "Insufficient privileges" >&2; exit 1; fi
            """);

        var (exit, output) = await RunAsync(uris: []);

        Assert.NotEqual(0, exit);
        Assert.Contains("Insufficient privileges", output);
        Assert.DoesNotContain(Calls(), c => c.Take(3).SequenceEqual(["ad", "app", "update"]));
    }

    private async Task<(int Exit, string Output)> RunAsync(string[] uris, bool clientIdInEnvironment = true)
    {
        await File.WriteAllLinesAsync(Path.Combine(_folder, "uris"), uris);
        var info = new ProcessStartInfo("sh", [Repository.PathOf("infra/scripts/entra-sign-in.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        info.Environment["PATH"] = $"{_folder}:{Environment.GetEnvironmentVariable("PATH")}";
        info.Environment["CALLS"] = _folder;
        info.Environment["AZURE_FUNCTION_APP_HOST_NAME"] = Host;
        if (clientIdInEnvironment) info.Environment["API_CLIENT_ID"] = AppId;
        else info.Environment["AZD_CLIENT_ID"] = AppId;
        info.Environment.Remove(clientIdInEnvironment ? "AZD_CLIENT_ID" : "API_CLIENT_ID");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, await stdout + await stderr);
    }

    private void Tool(string name, string body)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The az calls made, each its list of arguments.</summary>
    private List<string[]> Calls()
    {
        var log = Path.Combine(_folder, "az.log");
        var calls = new List<string[]>();
        var current = new List<string>();
        foreach (var line in File.Exists(log) ? File.ReadAllLines(log) : [])
        {
            if (line == "%%end%%")
            {
                calls.Add([.. current]);
                current.Clear();
            }
            else
            {
                current.Add(line);
            }
        }

        return calls;
    }

    private string[] Update() => Assert.Single(Calls(), c => c.Take(3).SequenceEqual(["ad", "app", "update"]));

    /// <summary>The values after an option, up to the next option.</summary>
    private static string[] After(string[] call, string option) =>
        [.. call.SkipWhile(a => a != option).Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))];

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
