namespace NotebookFunctions.Core.Parameters;

/// <summary>Finds the translator for a kernel, by kernel name first and then by language, as papermill does.</summary>
public static class Translators
{
    private static readonly IParameterTranslator Python = new PythonTranslator();
    private static readonly IParameterTranslator CSharp = new CSharpTranslator();

    /// <exception cref="ParameterException">No translator exists for that kernel or language.</exception>
    public static IParameterTranslator For(string? kernelName, string? language)
    {
        var key = (kernelName ?? string.Empty).ToLowerInvariant();
        if (key.StartsWith("python", StringComparison.Ordinal)) return Python;
        if (key is ".net-csharp" or "csharp") return CSharp;
        var lang = (language ?? "python").ToLowerInvariant();
        return lang switch
        {
            "python" or "python3" => Python,
            "c#" or "csharp" => CSharp,
            _ => throw new ParameterException(
                $"no parameter translator for kernel '{kernelName}' (language '{language}'); supported languages: python, C#",
                []),
        };
    }
}
