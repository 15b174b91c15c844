using System.CommandLine;

namespace NotebookFunctions.Cli.Commands;

/// <summary>The root command and its sub-commands.</summary>
public static class NbfCommand
{
    public static RootCommand Create() => new("nbf: run Jupyter notebooks in production, on real kernels, papermill-compatible.")
    {
        RunCommand.Create(),
        InspectCommand.Create(),
        ValidateCommand.Create(),
        RunsCommand.Create(),
        StatusCommand.Create(),
        CancelCommand.Create(),
        RepairCommand.Create(),
        ResumeCommand.Create(),
        ResultsCommand.Create(),
        ServeCommand.Create(),
        WorkerCommand.Create(),
        StorageCommand.Create(),
        ScanCommand.Create(),
        PublishCommand.Create(),
        TestCommand.Create(),
        EnvCommand.Create(),
    };
}
