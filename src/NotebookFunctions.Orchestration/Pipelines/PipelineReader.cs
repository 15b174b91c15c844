using NotebookFunctions.Core.Notebooks;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Orchestration.Pipelines;

/// <summary>
/// Reads a pipeline definition (the JSON tree of a *.pipeline.yaml or an API body) strictly: every member known, every
/// value of its kind, every name of its shape. A refusal names the field as written ("steps.clean.depends_on").
/// Members are snake_case, as in notebooks' own metadata.notebook_functions.
/// </summary>
public static partial class PipelineReader
{
    private static readonly string[] TopMembers = ["description", "parameters", "steps"];
    private static readonly string[] ParameterMembers = ["type", "default", "description"];
    private static readonly string[] StepMembers =
        ["notebook", "version", "parameters", "input", "mode", "reduce", "depends_on", "run_if", "max_attempts", "cell_timeout_seconds", "timeout_seconds", "max_parallel_chunks", "on_chunk_failure", "secrets"];
    private static readonly string[] InputMembers = ["step", "container", "prefix", "glob", "mode", "chunk_size", "max_chunks"];
    private static readonly string[] ReduceMembers = ["notebook", "version", "parameters"];
    private static readonly string[] ParameterTypeNames = ["int", "float", "bool", "str", "list", "dict", "date", "datetime"];

    /// <summary>Most steps a pipeline may have: each is a durable sub-orchestration and a line of its status.</summary>
    public const int MaxSteps = 100;

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex StepName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,99}$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^\$\{(?<name>[^}]*)\}$")]
    private static partial Regex Reference();

    /// <summary>The definition, checked for shape (not yet against the graph or the published notebooks: see <see cref="PipelineGraph"/>).</summary>
    public static PipelineDefinition Read(JsonNode? root)
    {
        var top = Object(root, null, "a pipeline definition");
        Known(top, TopMembers, null);
        var parameters = new List<PipelineParameter>();
        if (top["parameters"] is { } declared)
        {
            foreach (var (name, node) in Object(declared, "parameters", "an object of parameter: {type, default, description}"))
                parameters.Add(ReadParameter(name, node));
        }

        var stepsNode = Object(top["steps"] ?? throw RunRefusalException.Invalid("a pipeline needs 'steps': an object of step name: {notebook, ...}", "steps"), "steps", "an object of step name: {notebook, ...}");
        if (stepsNode.Count == 0) throw RunRefusalException.Invalid("a pipeline needs at least one step", "steps");
        if (stepsNode.Count > MaxSteps) throw RunRefusalException.Invalid($"a pipeline has at most {MaxSteps} steps; this one has {stepsNode.Count}", "steps");
        var steps = stepsNode.Select(p => ReadStep(p.Key, p.Value)).ToList();
        return new PipelineDefinition { Description = Text(top["description"], "description"), Parameters = parameters, Steps = steps };
    }

    /// <summary>The name "${name}" refers to, when a value is a reference to a pipeline parameter.</summary>
    public static string? ReferenceIn(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String && Reference().Match(v.GetValue<string>()) is { Success: true } m ? m.Groups["name"].Value : null;

    /// <summary>A parameter as a notebook's schema would declare it, to check values with the notebooks' own rules (null only where the default is).</summary>
    public static NotebookParameter AsNotebookParameter(PipelineParameter parameter) =>
        new(parameter.Name, parameter.Type, parameter.Default is null && !parameter.Required ? "None" : "0", parameter.Description ?? string.Empty, 0);

    private static PipelineParameter ReadParameter(string name, JsonNode? node)
    {
        var field = $"parameters.{name}";
        if (!Identifier().IsMatch(name)) throw RunRefusalException.Invalid($"pipeline parameter '{name}' must be a Python identifier (letters, digits and '_', not starting with a digit)", field);
        if (ReservedParameters.Names.Contains(name) || name == ReservedParameters.FailedChunks)
            throw RunRefusalException.Invalid($"pipeline parameter '{name}' is reserved: every step gets it from its run", field);
        // Shorthand: "name: 5" declares an int defaulting to 5; the full form is {type, default, description}.
        if (node is not JsonObject full || !full.ContainsKey("type"))
        {
            var inferred = node?.GetValueKind() switch
            {
                JsonValueKind.Number => ParameterTypes.IsInteger(node) ? "int" : "float",
                JsonValueKind.String => "str",
                JsonValueKind.True or JsonValueKind.False => "bool",
                JsonValueKind.Array => "list",
                JsonValueKind.Object => "dict",
                _ => throw RunRefusalException.Invalid($"pipeline parameter '{name}' needs a default value, or {{type, default}} (a required one has a type and no default)", field),
            };
            return new PipelineParameter(name, inferred, node!.DeepClone(), Required: false, null);
        }

        Known(full, ParameterMembers, field);
        var type = Text(full["type"], $"{field}.type")!;
        if (!ParameterTypeNames.Contains(type)) throw RunRefusalException.Invalid($"'{field}.type' is '{type}'; use {string.Join(", ", ParameterTypeNames)}", $"{field}.type");
        var parameter = new PipelineParameter(name, type, full["default"]?.DeepClone(), Required: !full.ContainsKey("default"), Text(full["description"], $"{field}.description"));
        if (parameter.Default is not null && ParameterTypes.Check(AsNotebookParameter(parameter), parameter.Default) is { } mismatch)
            throw RunRefusalException.Invalid($"the default of pipeline parameter '{name}': {mismatch}", $"{field}.default");
        return parameter;
    }

    private static PipelineStep ReadStep(string name, JsonNode? node)
    {
        var field = $"steps.{name}";
        if (!StepName().IsMatch(name)) throw RunRefusalException.Invalid($"step name '{name}' must be 1 to 63 lowercase letters, digits, '_' or '-', starting with a letter or digit", field);
        var step = Object(node, field, "an object: {notebook, parameters, input, mode, depends_on, ...}");
        Known(step, StepMembers, field);
        var notebook = Text(step["notebook"], $"{field}.notebook") ?? throw RunRefusalException.Invalid($"step '{name}' needs 'notebook': the name of a published notebook", $"{field}.notebook");
        var mode = Text(step["mode"], $"{field}.mode") switch
        {
            null or "single" => StepMode.Single,
            "fan_out" or "fanout" or "fan-out" => StepMode.FanOut,
            var other => throw RunRefusalException.Invalid($"'{field}.mode' is '{other}'; use 'single' or 'fan_out'", $"{field}.mode"),
        };
        var input = step["input"] is { } inputNode ? ReadInput(inputNode, $"{field}.input") : null;
        CheckModeFitsInput(name, mode, input, $"{field}.input");
        var reduce = step["reduce"] is { } reduceNode ? ReadReduce(reduceNode, $"{field}.reduce") : null;
        if (reduce is not null && mode != StepMode.FanOut) throw RunRefusalException.Invalid($"step '{name}' has a reduce but runs once (mode 'single'); a reduce follows a fan-out", $"{field}.reduce");
        var dependsOn = step["depends_on"] is { } deps ? Strings(deps, $"{field}.depends_on") : [];
        if (dependsOn.GroupBy(d => d).FirstOrDefault(g => g.Count() > 1) is { } twice) throw RunRefusalException.Invalid($"step '{name}' depends on '{twice.Key}' twice", $"{field}.depends_on");
        return new PipelineStep
        {
            Name = name,
            Notebook = notebook,
            Version = Text(step["version"], $"{field}.version"),
            Parameters = step["parameters"] is { } values ? (JsonObject)Object(values, $"{field}.parameters", "an object of name: value").DeepClone() : [],
            Input = input,
            Mode = mode,
            Reduce = reduce,
            DependsOn = dependsOn,
            RunIf = Text(step["run_if"], $"{field}.run_if") switch
            {
                null or "all_succeeded" => RunIf.AllSucceeded,
                "all_done" => RunIf.AllDone,
                var other => throw RunRefusalException.Invalid($"'{field}.run_if' is '{other}'; use 'all_succeeded' or 'all_done'", $"{field}.run_if"),
            },
            MaxAttempts = Int(step["max_attempts"], $"{field}.max_attempts"),
            CellTimeoutSeconds = Number(step["cell_timeout_seconds"], $"{field}.cell_timeout_seconds"),
            TimeoutSeconds = Number(step["timeout_seconds"], $"{field}.timeout_seconds"),
            MaxParallelChunks = Int(step["max_parallel_chunks"], $"{field}.max_parallel_chunks"),
            OnChunkFailure = Text(step["on_chunk_failure"], $"{field}.on_chunk_failure") switch
            {
                null => null,
                "fail_fast" => "failFast",
                "continue" => "continue",
                var other => throw RunRefusalException.Invalid($"'{field}.on_chunk_failure' is '{other}'; use 'fail_fast' or 'continue'", $"{field}.on_chunk_failure"),
            },
            Secrets = step["secrets"] is { } secrets ? Strings(secrets, $"{field}.secrets") : [],
        };
    }

    /// <summary>A step that runs once reads its input whole; one that fans out needs an input to cut, and cuts one input.</summary>
    private static void CheckModeFitsInput(string step, StepMode mode, StepInput? input, string field)
    {
        if (mode == StepMode.Single && input?.Blobs.Mode is { } chunking and not "whole")
            throw RunRefusalException.Invalid($"step '{step}' runs once (mode 'single'), so its input is read whole; input mode '{(chunking == "perBlob" ? "per_blob" : chunking)}' asks for chunks: set the step's mode to 'fan_out'", $"{field}.mode");
        if (mode != StepMode.FanOut) return;
        if (input is null) throw RunRefusalException.Invalid($"step '{step}' fans out, but has no input to cut into chunks", field);
        if (input.Blobs.Mode == "whole")
            throw RunRefusalException.Invalid($"step '{step}' fans out, but input mode 'whole' makes one chunk: set the step's mode to 'single', or the input mode to 'split' or 'per_blob'", $"{field}.mode");
        if (input.Steps.Count > 1)
            throw RunRefusalException.Invalid($"step '{step}' reads several steps' results, which it can only join in one run: set its mode to 'single'", $"{field}.step");
    }

    private static StepInput ReadInput(JsonNode node, string field)
    {
        var input = Object(node, field, "{step} or {container, prefix, glob}, with mode and chunk_size");
        Known(input, InputMembers, field);
        var steps = input["step"] is { } named ? Strings(named, $"{field}.step") : [];
        if (steps.Count > 0 && (input.ContainsKey("container") || input.ContainsKey("prefix")))
            throw RunRefusalException.Invalid($"'{field}' reads either another step's results ('step') or blobs ('container', 'prefix'), not both", $"{field}.step");
        if (steps.Count == 0 && !input.ContainsKey("container"))
            throw RunRefusalException.Invalid($"'{field}' needs 'step' (another step's results) or 'container' (blobs in storage)", field);
        var chunkSize = input["chunk_size"] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number && ParameterTypes.IsInteger(v) => v.ToJsonString(),
            var other => Text(other, $"{field}.chunk_size"),
        };
        return new StepInput
        {
            Steps = steps,
            Blobs = new InputSubmission
            {
                Container = Text(input["container"], $"{field}.container"),
                Prefix = Text(input["prefix"], $"{field}.prefix"),
                Glob = Text(input["glob"], $"{field}.glob"),
                Mode = Text(input["mode"], $"{field}.mode") switch
                {
                    null => null,
                    "split" => "split",
                    "per_blob" => "perBlob",
                    "whole" => "whole",
                    var other => throw RunRefusalException.Invalid($"'{field}.mode' is '{other}'; use 'split', 'per_blob' or 'whole'", $"{field}.mode"),
                },
                ChunkSize = chunkSize,
                MaxChunks = Int(input["max_chunks"], $"{field}.max_chunks"),
            },
        };
    }

    private static ReduceSubmission ReadReduce(JsonNode node, string field)
    {
        var reduce = Object(node, field, "{notebook, version, parameters}");
        Known(reduce, ReduceMembers, field);
        return new ReduceSubmission
        {
            Notebook = Text(reduce["notebook"], $"{field}.notebook") ?? throw RunRefusalException.Invalid($"'{field}.notebook' is required", $"{field}.notebook"),
            Version = Text(reduce["version"], $"{field}.version"),
            Parameters = reduce["parameters"] is { } values ? (JsonObject)Object(values, $"{field}.parameters", "an object of name: value").DeepClone() : null,
        };
    }

    private static void Known(JsonObject node, string[] members, string? field)
    {
        foreach (var (key, _) in node)
        {
            if (members.Contains(key)) continue;
            var path = field is null ? key : $"{field}.{key}";
            var nearest = NearestName.To(key, members);
            var hint = nearest is not null ? $"; did you mean '{nearest}'?" : $"; known here: {string.Join(", ", members)}";
            throw RunRefusalException.Invalid($"unknown field '{path}'{hint}", path);
        }
    }

    private static JsonObject Object(JsonNode? node, string? field, string expected) =>
        node as JsonObject ?? throw RunRefusalException.Invalid($"'{field ?? "the pipeline"}' must be {expected}", field ?? "body");

    private static string? Text(JsonNode? node, string field) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0 => v.GetValue<string>(),
        _ => throw RunRefusalException.Invalid($"'{field}' must be text", field),
    };

    private static int? Int(JsonNode? node, string field) => node switch
    {
        null => null,
        // Parsed from the text: a YAML-read number is held as a long, which TryGetValue<int> would not convert.
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && ParameterTypes.IsInteger(v) && int.TryParse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out var i) => i,
        _ => throw RunRefusalException.Invalid($"'{field}' must be a whole number", field),
    };

    private static double? Number(JsonNode? node, string field) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
        _ => throw RunRefusalException.Invalid($"'{field}' must be a number", field),
    };

    private static List<string> Strings(JsonNode node, string field) => node switch
    {
        JsonArray array when array.All(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.String) => array.Select(i => i!.GetValue<string>()).ToList(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        _ => throw RunRefusalException.Invalid($"'{field}' must be a list of names", field),
    };
}
