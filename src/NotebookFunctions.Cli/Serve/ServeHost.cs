using Microsoft.AspNetCore.Builder;
using NotebookFunctions.Api;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Incoming;
using NotebookFunctions.Api.Schedules;
using NotebookFunctions.Cli.LocalHost;

namespace NotebookFunctions.Cli.Serve;

/// <summary>
/// <c>nbf serve</c>: the Functions app's API, timer and blob arrivals on the local host. The handlers are the ones the
/// Functions app calls; only the adapters (Kestrel on loopback, an API key, polling loops) are local.
/// </summary>
public sealed class ServeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];

    private ServeHost(WebApplication app, string apiKey)
    {
        _app = app;
        ApiKey = apiKey;
    }

    public string ApiKey { get; }

    /// <summary>Opened once in a browser, signs it in (a session cookie); printed at start.</summary>
    public Uri? SignInUrl { get; private set; }

    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    public static async Task<ServeHost> StartAsync(LocalSession session, ServeOptions options, Action<string> say, CancellationToken cancellationToken)
    {
        var apiKey = options.ApiKey ?? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var blobs = session.Host.Blobs;
        var client = session.Host.Client;
        var clock = TimeProvider.System;
        var secrets = Core.Secrets.SecretSources.ForLocalHost();
        var sessions = new Api.Web.WebSessions(clock);
        var app = ApiHost.Create(blobs, client, new Dictionary<string, IReadOnlySet<string>> { [apiKey] = NotebookRoles.All.ToHashSet() }, options.Port, new ApiOptions { TaskHub = session.TaskHub }, clock, secrets, session.Journal, sessions);
        var host = new ServeHost(app, apiKey);
        // Runs this host accepted that storage lost before it saved them are started again first.
        var runs = new Orchestration.Runs.RunService(blobs, client, secrets, clock, session.Journal, session.TaskHub);
        foreach (var id in await runs.RecoverAsync(Orchestration.Runs.RunService.JournalSettle, cancellationToken))
            say($"run {id} was accepted but lost by storage (Azurite stopped before saving it); started again from the run journal");
        await app.StartAsync(cancellationToken);
        host.Address = new Uri(app.Urls.First());
        // As Jupyter does: a browser signs in once through a link with a one-time token (all roles, as the printed key).
        host.SignInUrl = new Uri(host.Address, $"/app/signin?token={sessions.IssueSignIn(NotebookRoles.All.ToHashSet())}");

        var token = host._stopping.Token;
        host._loops.Add(Task.Run(() => ScheduleLoop.RunAsync(new ScheduleTicker(blobs, secrets, session.Journal, session.TaskHub), client, clock, say, token), CancellationToken.None));
        host._loops.Add(Task.Run(() => IncomingLoop.RunAsync(blobs, new IncomingBlobs(blobs, secrets, options.IncomingContainer, session.Journal, session.TaskHub), client, options.IncomingPollInterval, say, token), CancellationToken.None));
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_loops);
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
