using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Cli.Commands;

/// <summary>
/// <c>nbf publish PATH... --api URL</c> (or <c>--local</c> against <c>nbf serve</c>): validates and scans each notebook
/// here, then publishes it through the API, printing name → version. Non-zero when any is refused.
/// </summary>
public static class PublishCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("notebooks") { Description = "The .ipynb files; each is published under its file name (lowercase, '-' for other characters).", Arity = ArgumentArity.OneOrMore };
        var api = new Option<string?>("--api") { Description = "The API's base URL, e.g. https://func-xyz.azurewebsites.net/api (azd's API_URL output)." };
        var local = new Option<bool>("--local") { Description = "Publish to nbf serve on this machine (http://127.0.0.1:PORT/api, with NBF_API_KEY or --api-key)." };
        var port = new Option<int>("--port") { Description = "nbf serve's port with --local.", DefaultValueFactory = _ => 7071 };
        var token = new Option<string?>("--token") { Description = "An Entra ID access token for the API (default: NBF_API_TOKEN)." };
        var apiKey = new Option<string?>("--api-key") { Description = "nbf serve's API key (default: NBF_API_KEY)." };
        var functionKey = new Option<string?>("--function-key") { Description = "The Function App's function key (default: NBF_FUNCTION_KEY)." };
        var command = new Command("publish", "Validate, scan and publish notebooks to a Notebook Functions API; prints name -> version.") { paths, api, local, port, token, apiKey, functionKey };
        command.SetAction(async (parse, cancellationToken) =>
        {
            void Say(string text) => Console.Error.WriteLine($"nbf publish: {text}");
            var baseUrl = parse.GetValue(local) ? $"http://127.0.0.1:{parse.GetValue(port)}/api" : parse.GetValue(api);
            if (string.IsNullOrWhiteSpace(baseUrl) || !Uri.TryCreate(baseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var root))
            {
                Say("give the API with --api URL, or --local for nbf serve");
                return ExitCodes.InvalidInput;
            }

            using var http = new HttpClient { BaseAddress = root, Timeout = TimeSpan.FromMinutes(2) };
            if ((parse.GetValue(token) ?? Environment.GetEnvironmentVariable("NBF_API_TOKEN")) is { Length: > 0 } bearer)
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            if ((parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("NBF_API_KEY")) is { Length: > 0 } key)
                http.DefaultRequestHeaders.Add("X-API-Key", key);
            if ((parse.GetValue(functionKey) ?? Environment.GetEnvironmentVariable("NBF_FUNCTION_KEY")) is { Length: > 0 } code)
                http.DefaultRequestHeaders.Add("x-functions-key", code);

            var refused = 0;
            foreach (var path in parse.GetValue(paths)!)
            {
                if (!await PublishOneAsync(http, path, Say, cancellationToken)) refused++;
            }

            return refused == 0 ? ExitCodes.Success : ExitCodes.InvalidInput;
        });
        return command;
    }

    private static async Task<bool> PublishOneAsync(HttpClient http, string path, Action<string> say, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            NotebookReader.Parse(System.Text.Encoding.UTF8.GetString(bytes), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotebookFormatException)
        {
            say(e is NotebookFormatException ? e.Message : $"{path}: {e.Message}");
            return false;
        }

        // Refused here already, so a credential never even travels to the API.
        if (ScanCommand.Refuse(path, "nbf publish")) return false;
        var name = NotebookStore.NameFromPath(path);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ipynb+json");
        HttpResponseMessage response;
        try
        {
            response = await http.PutAsync($"notebooks/{Uri.EscapeDataString(name)}", content, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            say($"{path}: the API at {http.BaseAddress} cannot be reached: {e.Message}");
            return false;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var json = TryParse(body);
            if (!response.IsSuccessStatusCode)
            {
                say($"{path}: refused ({(int)response.StatusCode} {response.ReasonPhrase}): {json?["detail"] ?? body}");
                foreach (var finding in json?["findings"]?.AsArray() ?? [])
                    say($"  cell {finding?["cell"]}, line {finding?["line"]}: {finding?["description"]} ({finding?["rule"]}): {finding?["masked"]}");
                return false;
            }

            var version = json?["version"]?.GetValue<string>() ?? "?";
            var created = json?["created"]?.GetValue<bool>() == true;
            Console.Out.WriteLine($"{name} -> {version}{(created ? string.Empty : " (unchanged)")}");
            foreach (var warning in json?["warnings"]?.AsArray() ?? []) say($"{path}: warning: {warning?["message"]}");
            return true;
        }
    }

    private static JsonObject? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
