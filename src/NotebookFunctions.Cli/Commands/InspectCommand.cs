using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using Spectre.Console;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf inspect</c>: the notebook's parameter schema (papermill's --help-notebook).</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var notebook = new Argument<string>("notebook") { Description = "The .ipynb file; with --api, a published notebook's name." };
        var json = new Option<bool>("--json") { Description = "Print the schema as JSON." };
        var version = new Option<string?>("--version") { Description = "With --api: the published version (sha256); the latest by default." };
        var connection = new Remote.ApiConnection();
        var command = new Command("inspect", "Show the parameters a notebook takes: names, types, defaults, help.") { notebook, json, version };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(notebook)!;
            if (connection.BaseUrl(parse) is not { } url) return Show(path, () => ParameterSchema.Infer(NotebookReader.Read(path)), parse.GetValue(json));
            return await CommandErrors.GuardAsync("inspect", async () =>
            {
                using var api = connection.Client(parse, url);
                var published = await api.GetNotebookAsync(path, parse.GetValue(version), cancellationToken);
                var label = $"{path}@{published["version"]?.GetValue<string>()}";
                return Show(label, () => ParameterSchema.FromJson(published["schema"] as JsonObject ?? []), parse.GetValue(json));
            });
        });
        return command;
    }

    private static int Show(string path, Func<ParameterSchema> read, bool asJson)
    {
        try
        {
            var schema = read();
            if (asJson)
            {
                var output = new JsonObject { ["notebook"] = path };
                foreach (var (key, value) in schema.ToJson()) output[key] = value?.DeepClone();
                // Readable as written: a quote stays a quote, not \u0027 (the output is printed, never embedded in HTML).
                Console.Out.WriteLine(output.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return ExitCodes.Success;
            }

            AnsiConsole.MarkupLine($"Parameters of [bold]{Markup.Escape(path)}[/]:");
            if (!schema.HasParametersCell)
            {
                AnsiConsole.MarkupLine("  [yellow]no cell is tagged 'parameters'[/]: the notebook takes no declared parameters.");
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Name", "Type", "Default", "Help");
            foreach (var p in schema.Parameters)
                table.AddRow(Markup.Escape(p.Name), Markup.Escape(p.TypeName), Markup.Escape(p.Default), Markup.Escape(p.Help));
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is NotebookFormatException or ParameterException)
        {
            Console.Error.WriteLine($"nbf inspect: {e.Message}");
            return ExitCodes.InvalidInput;
        }
    }
}
