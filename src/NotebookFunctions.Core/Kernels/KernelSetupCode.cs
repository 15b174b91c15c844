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

    /// <summary>
    /// An expression whose repr is a JSON object of the kernel's language version, interpreter and installed
    /// packages, for run manifests; null for languages we cannot probe.
    /// </summary>
    public static string? EnvironmentProbe(string language) => language.ToLowerInvariant() switch
    {
        "python" => "(lambda json, sys, md: type('EnvironmentProbe', (), {'__repr__': lambda self: json.dumps({" +
            "'language': 'python', 'version': sys.version.split()[0], 'executable': sys.executable, " +
            "'packages': sorted({d.metadata['Name'] + '==' + d.version for d in md.distributions() if d.metadata['Name']})})})())" +
            "(__import__('json'), __import__('sys'), __import__('importlib.metadata', fromlist=['distributions']))",
        _ => null,
    };

    private static string PythonString(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string CSharpString(string s) => "@\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
