namespace NotebookFunctions.Core.Secrets;

/// <summary>What a secret's name may be, wherever one is named: a run request, a schedule, a test file.</summary>
public static class SecretNames
{
    /// <summary>The rule, as refusals say it.</summary>
    public const string Rule = "1 to 127 letters, digits, '_' or '-'";

    public static bool IsValid(string name) => name.Length is > 0 and <= 127 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
