namespace NotebookFunctions.Core.Kernels;

/// <summary>Small set-up snippets, per kernel language, run silently on a pre-started kernel before it is handed out.</summary>
public static class KernelSetupCode
{
    /// <summary>Code that makes <paramref name="directory"/> the kernel's working directory, or null for a language we cannot do it in.</summary>
    public static string? ChangeDirectory(string language, string directory) => language.ToLowerInvariant() switch
    {
        "python" => $"__import__('os').chdir({PythonString(directory)})",
        "c#" or "csharp" => $"System.IO.Directory.SetCurrentDirectory({CSharpString(directory)});",
        "r" => $"setwd({PythonString(directory)})",
        _ => null,
    };

    private static string PythonString(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string CSharpString(string s) => "@\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
