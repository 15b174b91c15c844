using System.CommandLine;

namespace NotebookFunctions.Cli.Remote;

/// <summary>
/// Where a deployed (or served) backend is and how to sign in to it: the options every command that can talk to the
/// API shares, each with an environment variable as its default, so CI can set them once.
/// </summary>
public sealed class ApiConnection
{
    public Option<string?> Api { get; } = new("--api") { Description = "A Notebook Functions API to use instead of the local host, e.g. https://func-xyz.azurewebsites.net/api (default: NBF_API_URL)." };

    public Option<string?> Token { get; } = new("--token") { Description = "An Entra ID access token for the API (default: NBF_API_TOKEN)." };

    public Option<string?> ApiKey { get; } = new("--api-key") { Description = "nbf serve's API key (default: NBF_API_KEY)." };

    public Option<string?> FunctionKey { get; } = new("--function-key") { Description = "A function key, for a Function App whose functions require one (ours sign callers in with Entra ID instead; default: NBF_FUNCTION_KEY)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Api);
        command.Options.Add(Token);
        command.Options.Add(ApiKey);
        command.Options.Add(FunctionKey);
    }

    /// <summary>The API's base URL asked for (option, else NBF_API_URL), or null for the local host.</summary>
    public string? BaseUrl(ParseResult parse) =>
        parse.GetValue(Api) is { Length: > 0 } url ? url : Environment.GetEnvironmentVariable("NBF_API_URL") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;

    /// <summary>A client of the API at <paramref name="baseUrl"/> with the credentials given or found in the environment.</summary>
    public NbfApiClient Client(ParseResult parse, string baseUrl) => NbfApiClient.Create(baseUrl, new ApiCredentials(
        parse.GetValue(Token) ?? Environment.GetEnvironmentVariable("NBF_API_TOKEN"),
        parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("NBF_API_KEY"),
        parse.GetValue(FunctionKey) ?? Environment.GetEnvironmentVariable("NBF_FUNCTION_KEY")));
}

/// <summary>What the API is signed in with: any of an Entra token, nbf serve's API key, a function key.</summary>
public sealed record ApiCredentials(string? Token, string? ApiKey, string? FunctionKey);
