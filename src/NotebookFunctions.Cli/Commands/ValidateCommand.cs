using System.CommandLine;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf validate</c>: checks notebooks against nbformat 4 without running them.</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var notebooks = new Argument<string[]>("notebooks") { Description = "The .ipynb files.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Check that notebooks are valid nbformat 4, naming the cell and field of each problem.") { notebooks };
        command.SetAction(parse =>
        {
            var failed = 0;
            foreach (var path in parse.GetValue(notebooks)!)
            {
                try
                {
                    var nb = NotebookReader.Read(path);
                    Console.Out.WriteLine($"{path}: valid nbformat 4.{nb.FormatMinor}, {nb.Cells.Count} cells");
                }
                catch (NotebookFormatException e)
                {
                    failed++;
                    Console.Error.WriteLine(e.Message);
                }
            }

            return failed == 0 ? ExitCodes.Success : ExitCodes.InvalidInput;
        });
        return command;
    }
}
