using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace NotebookFunctions.Api;

/// <summary>
/// Builders for the hosts nbf embeds (the API of <c>nbf serve</c>, the local durable sidecar and worker). They are
/// configured in code only: .NET's default builders would read <c>appsettings*.json</c> and every environment variable
/// from the folder and shell nbf is started in, and watch that folder's whole tree for changes.
/// </summary>
/// <remarks>
/// Measured before: started in a clone, each host put an inotify watch on every one of its 5,664 folders (two hosts,
/// 11,328 watches, over the system's default limit on some machines) and enumerated the tree at start; a user's own
/// <c>appsettings.json</c> (nbf run inside an ASP.NET project) was read into nbf's hosts (its Kestrel and Logging
/// sections apply to any host that has them), and a malformed one made every host command crash with an unhandled
/// exception. Nothing in these hosts reads configuration.
/// </remarks>
public static class EmbeddedHosts
{
    // No file watcher even for a file that is absent: the content root is nbf's own folder, and nothing reloads.
    private static readonly string[] Defaults = ["--hostBuilder:reloadConfigOnChange=false"];

    /// <summary>A slim web host with no configuration sources.</summary>
    public static WebApplicationBuilder WebBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = Defaults });
        builder.Configuration.Sources.Clear();
        return builder;
    }

    /// <summary>A generic host with no configuration sources.</summary>
    public static IHostBuilder HostBuilder() =>
        Host.CreateDefaultBuilder(Defaults)
            .UseContentRoot(AppContext.BaseDirectory)
            .ConfigureAppConfiguration(configuration => configuration.Sources.Clear());
}
