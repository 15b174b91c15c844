using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Kernels;

/// <summary>Finds installed kernelspecs in the Jupyter data paths, as jupyter_client does.</summary>
public sealed class KernelSpecFinder
{
    /// <summary>The kernel used when a notebook names none.</summary>
    public const string DefaultKernelName = "python3";

    private readonly IReadOnlyList<string> _dataPaths;

    public KernelSpecFinder(IReadOnlyList<string>? dataPaths = null) => _dataPaths = dataPaths ?? JupyterDataPaths();

    /// <summary>JUPYTER_PATH first, then the user's data folder, the active environment, then the system folders.</summary>
    public static IReadOnlyList<string> JupyterDataPaths()
    {
        var paths = new List<string>();
        var jupyterPath = Environment.GetEnvironmentVariable("JUPYTER_PATH");
        if (!string.IsNullOrEmpty(jupyterPath))
            paths.AddRange(jupyterPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));

        var dataDir = Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR");
        if (string.IsNullOrEmpty(dataDir))
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            dataDir = !string.IsNullOrEmpty(xdg) ? Path.Combine(xdg, "jupyter") : Path.Combine(home, ".local", "share", "jupyter");
        }

        paths.Add(dataDir);
        foreach (var prefixVar in new[] { "VIRTUAL_ENV", "CONDA_PREFIX" })
        {
            var prefix = Environment.GetEnvironmentVariable(prefixVar);
            if (!string.IsNullOrEmpty(prefix)) paths.Add(Path.Combine(prefix, "share", "jupyter"));
        }

        paths.Add("/usr/local/share/jupyter");
        paths.Add("/usr/share/jupyter");
        return paths.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every installed kernelspec by name; the first path that has a name wins.</summary>
    public IReadOnlyDictionary<string, KernelSpec> FindAll()
    {
        var specs = new Dictionary<string, KernelSpec>(StringComparer.OrdinalIgnoreCase);
        foreach (var dataPath in _dataPaths)
        {
            var kernels = Path.Combine(dataPath, "kernels");
            if (!Directory.Exists(kernels)) continue;
            foreach (var dir in Directory.EnumerateDirectories(kernels).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(dir).ToLowerInvariant();
                if (specs.ContainsKey(name) || !File.Exists(Path.Combine(dir, "kernel.json"))) continue;
                var spec = TryLoad(name, dir);
                if (spec is not null) specs[name] = spec;
            }
        }

        return specs;
    }

    /// <summary>The named kernelspec; the error lists what is installed.</summary>
    /// <exception cref="KernelStartException">No kernel of that name is installed.</exception>
    public KernelSpec Find(string? name)
    {
        name = string.IsNullOrWhiteSpace(name) ? DefaultKernelName : name;
        var all = FindAll();
        if (all.TryGetValue(name, out var spec)) return spec;
        var installed = all.Count == 0 ? "none" : string.Join(", ", all.Keys.Order(StringComparer.Ordinal));
        throw new KernelStartException(
            $"no kernel named '{name}' is installed (installed: {installed}; searched {string.Join(", ", _dataPaths.Select(p => Path.Combine(p, "kernels")))}). " +
            "Install ipykernel for Python (Debian: apt-get install python3-ipykernel; elsewhere: pip install ipykernel && python3 -m ipykernel install --user).");
    }

    private static KernelSpec? TryLoad(string name, string dir)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "kernel.json"))) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (json["argv"] is not JsonArray argvJson || argvJson.Count == 0) return null;
        var argv = argvJson.Select(a => a?.GetValue<string>() ?? string.Empty).ToList();
        argv[0] = ResolveInterpreter(argv[0], dir);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json["env"] is JsonObject envJson)
        {
            foreach (var (key, value) in envJson)
            {
                if (value is JsonValue v) env[key] = v.ToString();
            }
        }

        return new KernelSpec(
            name,
            argv,
            json["display_name"]?.GetValue<string>() ?? name,
            json["language"]?.GetValue<string>() ?? "unknown",
            env,
            json["interrupt_mode"]?.GetValue<string>() ?? "signal",
            dir);
    }

    /// <summary>
    /// A bare "python3" in argv means "the Python this kernelspec was installed for": jupyter_client swaps in its own
    /// interpreter. We take the interpreter of the prefix the spec lives in, so a pyenv shim on PATH is never used.
    /// </summary>
    private static string ResolveInterpreter(string executable, string specDir)
    {
        if (Path.IsPathRooted(executable) || !IsBarePython(executable)) return executable;
        // {prefix}/share/jupyter/kernels/{name} -> {prefix}/bin/{executable}
        var prefix = Path.GetFullPath(Path.Combine(specDir, "..", "..", "..", ".."));
        var candidate = Path.Combine(prefix, "bin", executable);
        if (File.Exists(candidate)) return candidate;
        return File.Exists("/usr/bin/python3") && specDir.StartsWith("/usr/", StringComparison.Ordinal) ? "/usr/bin/python3" : executable;
    }

    private static bool IsBarePython(string executable) =>
        executable is "python" or "python3" || (executable.StartsWith("python3.", StringComparison.Ordinal) && !executable.Contains('/'));
}
