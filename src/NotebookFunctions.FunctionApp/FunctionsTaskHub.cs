using Microsoft.Extensions.Configuration;

namespace NotebookFunctions.FunctionApp;

/// <summary>
/// The task hub the Functions host runs this app's orchestrations in: host.json's extensions.durableTask.hubName,
/// unless an app setting overrides it (AzureFunctionsJobHost__extensions__durableTask__hubName, which the worker
/// sees too). The worker is not told the name otherwise; the run service writes it into each run's claim.
/// </summary>
public static class FunctionsTaskHub
{
    /// <summary>host.json's hubName (a test keeps the two equal).</summary>
    public const string Default = "NotebookFunctions";

    public static string Name(IConfiguration configuration) =>
        configuration["AzureFunctionsJobHost:extensions:durableTask:hubName"] is { Length: > 0 } name ? name : Default;
}
