using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Kernels;

namespace NotebookFunctions.Core.Execution;

/// <summary>One requirement, and what the kernel's environment has.</summary>
/// <param name="Requirement">As the notebook wrote it.</param>
/// <param name="Name">The package it names.</param>
/// <param name="Found">The installed version; null when the package is not installed.</param>
/// <param name="Satisfied">Whether the installed version meets the specifiers (prereleases allowed, as pip's check does).</param>
/// <param name="Note">Why it was not checked (an environment marker that does not apply here) or could not be read.</param>
public sealed record RequirementStatus(string Requirement, string Name, string? Found, bool Satisfied, string? Note = null)
{
    /// <summary>"pandas>=2,&lt;3: found 1.5.3", "numpy~=2.1: not installed", "scipy: ok (1.14.1)", "x; y: not a requirement: ...".</summary>
    public string Summary => Note is not null && Found is null ? $"{Requirement}: {Note}"
        : Satisfied ? $"{Requirement}: ok ({Found})"
        : Found is null ? $"{Requirement}: not installed"
        : $"{Requirement}: found {Found}";
}

/// <summary>What the kernel's environment is, against what a notebook requires.</summary>
public sealed record EnvironmentReport(string PythonVersion, string? Executable, IReadOnlyList<RequirementStatus> Requirements)
{
    public bool Satisfied => Requirements.All(r => r.Satisfied);

    /// <summary>One line listing each unmet requirement with what was found, for errors.</summary>
    public string Problems => string.Join("; ", Requirements.Where(r => !r.Satisfied).Select(r => r.Summary));
}

/// <summary>
/// Checks a notebook's requirements with the kernel's own Python, before the notebook runs: importlib.metadata says
/// what is installed, and <c>packaging</c> (pip's own rules) decides whether it meets each PEP 440 specifier. The check
/// runs silently and leaves nothing in the kernel a notebook could see but one private function.
/// </summary>
public static class EnvironmentCheck
{
    /// <exception cref="EnvironmentCheckException">The kernel's Python cannot run the check (no <c>packaging</c>, no Python kernel).</exception>
    public static async Task<EnvironmentReport> RunAsync(Kernel kernel, IReadOnlyList<string> requirements, CancellationToken cancellationToken)
    {
        if (!string.Equals(kernel.Spec.Language, "python", StringComparison.OrdinalIgnoreCase))
            throw new EnvironmentCheckException($"requirements are checked on Python kernels; '{kernel.Spec.Name}' runs {kernel.Spec.Language}");
        await kernel.ExecuteSilentlyAsync(KernelSetupCode.RequirementsCheck, cancellationToken);
        var argument = JsonSerializer.Serialize(requirements);
        var text = await kernel.EvaluateAsync($"_nbf_requirements_check({argument})", cancellationToken)
            ?? throw new EnvironmentCheckException("the kernel did not answer the requirements check");
        var json = JsonNode.Parse(text) as JsonObject ?? throw new EnvironmentCheckException($"the requirements check answered '{text}'");
        if (json["error"]?.GetValue<string>() is { } error) throw new EnvironmentCheckException(error);
        var items = json["items"]!.AsArray().Select(i => i!.AsObject()).Select(i => new RequirementStatus(
            i["requirement"]!.GetValue<string>(),
            i["name"]?.GetValue<string>() ?? i["requirement"]!.GetValue<string>(),
            i["found"]?.GetValue<string>(),
            i["satisfied"]?.GetValue<bool>() == true,
            i["note"]?.GetValue<string>())).ToList();
        return new EnvironmentReport(json["python"]!.GetValue<string>(), json["executable"]?.GetValue<string>(), items);
    }
}

/// <summary>The requirements could not be checked at all (as opposed to checked and unmet).</summary>
public sealed class EnvironmentCheckException(string message) : Exception(message);
