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

    /// <summary>
    /// Defines <c>_nbf_requirements_check(requirements)</c> in a Python kernel: each requirement parsed by
    /// <c>packaging</c> (PEP 508/440, as pip reads it), its package looked up by normalised name among the installed
    /// distributions, its specifier applied; an environment marker that does not hold here skips it. The result's repr
    /// is JSON, so <see cref="Kernel.EvaluateAsync"/> reads it whole.
    /// </summary>
    public const string RequirementsCheck = """
        def _nbf_requirements_check(texts):
            import json, sys
            import importlib.metadata as metadata

            class _Json:
                def __init__(self, value):
                    self.value = value

                def __repr__(self):
                    return json.dumps(self.value)

            try:
                from packaging.requirements import Requirement
                from packaging.utils import canonicalize_name
            except ImportError:
                return _Json({'error': "the kernel's Python has no 'packaging' module, which checks requirements: install it (python3-packaging, or pip install packaging)"})
            installed = {}
            for dist in metadata.distributions():
                name = dist.metadata['Name']
                if name:
                    installed.setdefault(canonicalize_name(name), dist.version)
            items = []
            for text in texts:
                try:
                    requirement = Requirement(text)
                except Exception as error:
                    items.append({'requirement': text, 'satisfied': False, 'note': f'not a requirement: {error}'})
                    continue
                found = installed.get(canonicalize_name(requirement.name))
                if requirement.marker is not None and not requirement.marker.evaluate():
                    items.append({'requirement': text, 'name': requirement.name, 'found': found, 'satisfied': True, 'note': 'its marker does not apply here'})
                    continue
                ok = found is not None and requirement.specifier.contains(found, prereleases=True)
                items.append({'requirement': text, 'name': requirement.name, 'found': found, 'satisfied': ok})
            return _Json({'python': sys.version.split()[0], 'executable': sys.executable, 'items': items})
        """;

    private static string PythonString(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string CSharpString(string s) => "@\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
