using System.CommandLine;
using NotebookFunctions.Cli.Remote;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Runs;

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
        var local = new Option<bool>("--local") { Description = "Publish to nbf serve on this machine (http://127.0.0.1:PORT/api, with NBF_API_KEY or --api-key)." };
        var port = new Option<int>("--port") { Description = "nbf serve's port with --local.", DefaultValueFactory = _ => 7071 };
        var connection = new ApiConnection();
        var command = new Command("publish", "Validate, scan and publish notebooks to a Notebook Functions API; prints name -> version.") { paths, local, port };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            void Say(string text) => Console.Error.WriteLine($"nbf publish: {text}");
            var baseUrl = parse.GetValue(local) ? $"http://127.0.0.1:{parse.GetValue(port)}/api" : connection.BaseUrl(parse);
            if (string.IsNullOrWhiteSpace(baseUrl))
            {
                Say("give the API with --api URL (or NBF_API_URL), or --local for nbf serve (field 'api')");
                return ExitCodes.InvalidInput;
            }

            NbfApiClient api;
            try
            {
                api = connection.Client(parse, baseUrl);
            }
            catch (RunRefusalException e)
            {
                Say(e.Message);
                return ExitCodes.InvalidInput;
            }

            using (api)
            {
                var worst = ExitCodes.Success;
                foreach (var path in parse.GetValue(paths)!)
                {
                    var code = await PublishOneAsync(api, path, Say, cancellationToken);
                    if (code != ExitCodes.Success) worst = code;
                }

                return worst;
            }
        });
        return command;
    }

    private static async Task<int> PublishOneAsync(NbfApiClient api, string path, Action<string> say, CancellationToken cancellationToken)
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
            return ExitCodes.InvalidInput;
        }

        // Refused here already, so a credential never even travels to the API.
        if (ScanCommand.Refuse(path, "nbf publish")) return ExitCodes.InvalidInput;
        var name = NotebookStore.NameFromPath(path);
        try
        {
            var reply = await api.PublishAsync(name, bytes, await NotebookPublisher.SourceHeadersAsync(path, cancellationToken), cancellationToken);
            Console.Out.WriteLine($"{name} -> {reply.Version}{(reply.Created ? string.Empty : " (unchanged)")}");
            foreach (var warning in reply.Warnings) say($"{path}: warning: {warning}");
            return ExitCodes.Success;
        }
        catch (RunRefusalException e)
        {
            say($"{path}: refused: {e.Message}");
            if (e.Extensions.TryGetValue("findings", out var findings) && findings is System.Text.Json.Nodes.JsonArray list)
            {
                foreach (var finding in list)
                    say($"  cell {finding?["cell"]}, line {finding?["line"]}: {finding?["description"]} ({finding?["rule"]}): {finding?["masked"]}");
            }

            return ExitCodes.InvalidInput;
        }
        catch (ApiUnavailableException e)
        {
            say($"{path}: {e.Message}");
            return ExitCodes.Unavailable;
        }
    }
}
