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
        var notebook = new Argument<string>("notebook") { Description = "The .ipynb file." };
        var json = new Option<bool>("--json") { Description = "Print the schema as JSON." };
        var command = new Command("inspect", "Show the parameters a notebook takes: names, types, defaults, help.") { notebook, json };
        command.SetAction(parse => Run(parse.GetValue(notebook)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(string path, bool asJson)
    {
        try
        {
            var nb = NotebookReader.Read(path);
            var schema = ParameterSchema.Infer(nb);
            if (asJson)
            {
                var output = new JsonObject { ["notebook"] = path };
                foreach (var (key, value) in schema.ToJson()) output[key] = value?.DeepClone();
                Console.Out.WriteLine(output.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
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
