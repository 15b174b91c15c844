using System.CommandLine;
using NotebookFunctions.Cli.Remote;
using NotebookFunctions.Cli.Testing;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Pipelines;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli.Commands;

/// <summary>
/// <c>nbf publish PATH... --api URL</c> (or <c>--local</c> against <c>nbf serve</c>): validates and scans each notebook
/// here, then publishes it through the API, printing name → version. A pipeline file (*.pipeline.yaml, .yml, .json)
/// is published with the notebook files it names. Non-zero when any is refused.
/// </summary>
public static class PublishCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("notebooks") { Description = "The .ipynb files, each published under its file name (lowercase, '-' for other characters), or pipeline files (*.pipeline.yaml), each published after the notebook files it names.", Arity = ArgumentArity.OneOrMore };
        var local = new Option<bool>("--local") { Description = "Publish to nbf serve on this machine (http://127.0.0.1:PORT/api, with NBF_API_KEY or --api-key)." };
        var port = new Option<int>("--port") { Description = "nbf serve's port with --local.", DefaultValueFactory = _ => 7071 };
        var requireTests = new Option<bool>("--require-tests")
        {
            Description = "Run each notebook's tests here first (nbf test: saved outputs, NAME.test.yaml) and publish nothing unless all pass and there is at least one.",
        };
        var connection = new ApiConnection();
        var command = new Command("publish", "Validate, scan and publish notebooks (or pipelines and the notebooks they name) to a Notebook Functions API; prints name -> version.") { paths, local, port, requireTests };
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
                // Every notebook is tested before the first is published: a failing one leaves storage as it was.
                if (parse.GetValue(requireTests) && await PublishGate.CheckAsync(parse.GetValue(paths)!, Say, cancellationToken) is { } refused) return refused;
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
        if (PipelineFile.IsPipeline(path)) return await PublishPipelineAsync(api, path, say, cancellationToken);
        try
        {
            return await PublishNotebookAsync(api, path, say, cancellationToken) is null ? ExitCodes.InvalidInput : ExitCodes.Success;
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

    /// <summary>
    /// A pipeline file: its shape and graph checked here, then the notebook files it names published (each as a notebook
    /// is, and pinned in the definition by the version it got), then the pipeline, which the API checks whole.
    /// </summary>
    private static async Task<int> PublishPipelineAsync(NbfApiClient api, string path, Action<string> say, CancellationToken cancellationToken)
    {
        try
        {
            var definition = PipelineFile.Read(path);
            // A broken file publishes nothing, not even its notebooks.
            PipelineGraph.Check(PipelineReader.Read(definition.DeepClone()));
            // A notebook file several steps name is published (and printed) once.
            var published = new Dictionary<string, PublishReply>(StringComparer.Ordinal);
            await PipelineFile.PublishNotebookFilesAsync(definition, path, async file =>
            {
                if (!published.TryGetValue(Path.GetFullPath(file), out var reply))
                {
                    published[Path.GetFullPath(file)] = reply = await PublishNotebookAsync(api, file, say, cancellationToken)
                        ?? throw RunRefusalException.Invalid($"{file} is not published, so neither is the pipeline", "notebook");
                }

                return (reply.Name, reply.Version);
            });
            var name = PipelineFile.NameFromPath(path);
            var pipeline = await api.PublishPipelineAsync(name, definition, await NotebookPublisher.SourceHeadersAsync(path, cancellationToken), cancellationToken);
            Console.Out.WriteLine($"{name} -> {pipeline.Version}{(pipeline.Created ? string.Empty : " (unchanged)")}");
            return ExitCodes.Success;
        }
        catch (RunRefusalException e)
        {
            // PipelineFile's own refusals already begin with the path.
            var what = e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: refused: {e.Message}";
            say($"{what}{(e.Field is null ? string.Empty : $" (field '{e.Field}')")}");
            return CommandErrors.ExitCodeOf(e.Kind);
        }
        catch (ApiUnavailableException e)
        {
            say($"{path}: {e.Message}");
            return ExitCodes.Unavailable;
        }
    }

    /// <summary>One notebook file, validated and scanned here, then published; null (having said why) when it is refused here.</summary>
    /// <exception cref="RunRefusalException">The API refused it.</exception>
    /// <exception cref="ApiUnavailableException">The API could not be reached or refused the caller.</exception>
    private static async Task<PublishReply?> PublishNotebookAsync(NbfApiClient api, string path, Action<string> say, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            var notebook = NotebookReader.Parse(System.Text.Encoding.UTF8.GetString(bytes), path);
            // NAME.requirements.txt is published with the notebook: folded into the version's metadata, which every run checks.
            if (RequirementsFile.FoldSidecar(notebook, path))
            {
                bytes = System.Text.Encoding.UTF8.GetBytes(notebook.ToText());
                say($"{path}: requirements from {Path.GetFileName(RequirementsFile.SidecarOf(path))} published with it");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotebookFormatException)
        {
            say(e is NotebookFormatException ? e.Message : $"{path}: {e.Message}");
            return null;
        }

        // Refused here already, so a credential never even travels to the API.
        if (ScanCommand.Refuse(path, "nbf publish")) return null;
        var name = NotebookStore.NameFromPath(path);
        var reply = await api.PublishAsync(name, bytes, await NotebookPublisher.SourceHeadersAsync(path, cancellationToken), cancellationToken);
        Console.Out.WriteLine($"{name} -> {reply.Version}{(reply.Created ? string.Empty : " (unchanged)")}");
        foreach (var warning in reply.Warnings) say($"{path}: warning: {warning}");
        return reply;
    }
}
