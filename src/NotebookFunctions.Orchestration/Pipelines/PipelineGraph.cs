using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Orchestration.Pipelines;

/// <summary>
/// The steps as a graph: every depends_on names a step, there is no cycle (the first one found is named, step by
/// step), and a step reads only the results of a step it depends on. Also what a failure reaches: a step's dependants.
/// </summary>
public static class PipelineGraph
{
    /// <summary>Refuses a graph that cannot run, naming the steps.</summary>
    public static void Check(PipelineDefinition pipeline)
    {
        var names = pipeline.Steps.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var step in pipeline.Steps)
        {
            foreach (var dependency in step.DependsOn)
            {
                if (dependency == step.Name) throw RunRefusalException.Invalid($"step '{step.Name}' depends on itself", $"steps.{step.Name}.depends_on");
                if (!names.Contains(dependency))
                {
                    var hint = NearestName.To(dependency, names) is { } near ? $"; did you mean '{near}'?" : $"; the steps are {string.Join(", ", names)}";
                    throw RunRefusalException.Invalid($"step '{step.Name}' depends on '{dependency}', which is not a step of this pipeline{hint}", $"steps.{step.Name}.depends_on");
                }
            }

            foreach (var source in step.Input?.Steps ?? [])
            {
                if (!names.Contains(source)) throw RunRefusalException.Invalid($"step '{step.Name}' reads the results of '{source}', which is not a step of this pipeline", $"steps.{step.Name}.input.step");
                if (!step.DependsOn.Contains(source))
                    throw RunRefusalException.Invalid($"step '{step.Name}' reads the results of '{source}' but does not depend on it; add '{source}' to its depends_on", $"steps.{step.Name}.input.step");
            }
        }

        if (FindCycle(pipeline) is { } cycle)
            throw RunRefusalException.Invalid($"the steps form a cycle: {string.Join(" -> ", cycle)}", $"steps.{cycle[0]}.depends_on");
    }

    /// <summary>The steps that depend on any of <paramref name="steps"/>, directly or not, and those steps themselves.</summary>
    public static HashSet<string> WithDependants(IReadOnlyList<(string Name, IReadOnlyList<string> DependsOn)> graph, IEnumerable<string> steps)
    {
        var reached = steps.ToHashSet(StringComparer.Ordinal);
        var grew = true;
        while (grew)
        {
            grew = false;
            foreach (var (name, dependsOn) in graph)
            {
                if (!reached.Contains(name) && dependsOn.Any(reached.Contains)) grew = reached.Add(name) || grew;
            }
        }

        return reached;
    }

    /// <summary>A cycle as the step names along it, first repeated at the end ("a -> b -> a"), or null.</summary>
    private static List<string>? FindCycle(PipelineDefinition pipeline)
    {
        var byName = pipeline.Steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();

        List<string>? Visit(string name)
        {
            state[name] = 1;
            path.Add(name);
            foreach (var dependency in byName[name].DependsOn)
            {
                if (state.GetValueOrDefault(dependency) == 1) return [.. path[path.IndexOf(dependency)..], dependency];
                if (state.GetValueOrDefault(dependency) == 0 && Visit(dependency) is { } found) return found;
            }

            path.RemoveAt(path.Count - 1);
            state[name] = 2;
            return null;
        }

        foreach (var step in pipeline.Steps)
        {
            if (state.GetValueOrDefault(step.Name) == 0 && Visit(step.Name) is { } cycle)
            {
                // Walked along depends_on, so reversed it reads in the order the steps would run.
                cycle.Reverse();
                return cycle;
            }
        }

        return null;
    }
}
