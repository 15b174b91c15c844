using System.Net;

namespace NotebookFunctions.Api.Tests;

/// <summary>
/// Pipelines a careless user or an attacker sends, and runs of them: each refused with its status and a problem
/// naming the field as written ("steps.clean.depends_on", "parameters.rows"), with no pipeline version stored and no run.
/// </summary>
public sealed class PipelineBadInputTests
{
    [Fact]
    public async Task Every_bad_pipeline_or_pipeline_run_is_a_problem_naming_its_field_and_stores_nothing()
    {
        await using var api = await ApiHarness.StartAsync(new ApiOptions { MaxPipelineBytes = 16 * 1024 });
        var token = Guid.NewGuid().ToString("N")[..10];
        var notebook = $"pbat-{token}";
        await api.PublishAsync(notebook, PipelineApiTests.StepNotebook());
        // A published pipeline whose parameter has no default: a run must give it.
        var runnable = $"pbat-{token}-ok";
        var (published, _) = await PipelineApiTests.PutAsync(api, runnable, Steps($$"""{"make": {"notebook": "{{notebook}}", "parameters": {"rows": "${rows}"} } }""", """{"rows": {"type": "int"}}"""));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var fresh = $"/api/pipelines/pbat-{token}-new";
        var runs = $"/api/pipelines/{runnable}/runs";
        // Raw strings below keep a space between closing braces: two together would close an interpolation.
        string Make(string members = "") => $$"""{"notebook": "{{notebook}}"{{(members.Length == 0 ? string.Empty : ", " + members)}} }""";
        var missingVersion = new string('a', 64);

        var cases = new List<BadRequest>
        {
            // The graph.
            new("a cycle", HttpMethod.Put, fresh, Steps($$"""{"a": {{Make("\"depends_on\": [\"b\"]")}}, "b": {{Make("\"depends_on\": [\"a\"]")}} }"""), 400, "steps.a.depends_on", Says: "a -> b -> a"),
            new("a step depending on itself", HttpMethod.Put, fresh, Steps($$"""{"a": {{Make("\"depends_on\": [\"a\"]")}} }"""), 400, "steps.a.depends_on"),
            new("an unknown step in depends_on", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make()}}, "count": {{Make("\"depends_on\": [\"maek\"]")}} }"""), 400, "steps.count.depends_on", Says: "did you mean 'make'?"),
            new("input from a step not depended on", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make()}}, "count": {{Make("\"input\": {\"step\": \"make\"}")}} }"""), 400, "steps.count.input.step"),
            new("no steps", HttpMethod.Put, fresh, Steps("{}"), 400, "steps"),
            new("a step name in capitals", HttpMethod.Put, fresh, Steps($$"""{"Make": {{Make()}} }"""), 400, "steps.Make"),
            // Members: unknown and misspelled, at every level.
            new("a misspelled step member", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make()}}, "count": {{Make("\"depends_ob\": [\"make\"]")}} }"""), 400, "steps.count.depends_ob", Says: "did you mean 'depends_on'?"),
            new("a misspelled top-level member", HttpMethod.Put, fresh, $$"""{"step": {"make": {{Make()}} } }""", 400, "step", Says: "did you mean 'steps'?"),
            new("a misspelled input member", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make()}}, "count": {{Make("\"depends_on\": [\"make\"], \"input\": {\"stpe\": \"make\"}")}} }"""), 400, "steps.count.input.stpe"),
            new("a reduce on a step that runs once", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make($"\"reduce\": {{\"notebook\": \"{notebook}\"}}")}} }"""), 400, "steps.make.reduce"),
            // Notebooks and their parameters, checked at publish.
            new("an unknown notebook", HttpMethod.Put, fresh, Steps($$"""{"x": {"notebook": "ghost-{{token}}"} }"""), 404, "steps.x.notebook"),
            new("a notebook version never published", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make($"\"version\": \"{missingVersion}\"")}} }"""), 404, "steps.make.version"),
            new("a step parameter of the wrong type", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make("\"parameters\": {\"rows\": \"many\"}")}} }"""), 400, "steps.make.parameters.rows"),
            new("a step parameter the notebook does not declare", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make("\"parameters\": {\"rowz\": 2}")}} }"""), 400, "steps.make.parameters.rowz"),
            new("a pipeline parameter of the wrong type for a step", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make("\"parameters\": {\"rows\": \"${rows}\"}")}} }""", """{"rows": "three"}"""), 400, "steps.make.parameters.rows"),
            new("a reference to no pipeline parameter", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make("\"parameters\": {\"rows\": \"${rowz}\"}")}} }""", """{"rows": 1}"""), 400, "steps.make.parameters.rows", Says: "did you mean '${rows}'?"),
            new("a default not of its type", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make()}} }""", """{"rows": {"type": "int", "default": "x"}}"""), 400, "parameters.rows.default"),
            new("a parameter of an unknown type", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make()}} }""", """{"rows": {"type": "integer"}}"""), 400, "parameters.rows.type"),
            new("a reserved parameter", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make()}} }""", """{"input_path": "/etc"}"""), 400, "parameters.input_path"),
            // Bodies, names, headers, sizes.
            new("a list body", HttpMethod.Put, fresh, "[]", 400, "body"),
            new("a JSON null body", HttpMethod.Put, fresh, "null", 400, "body"),
            new("an empty body", HttpMethod.Put, fresh, string.Empty, 400, "body"),
            new("a body that is not JSON", HttpMethod.Put, fresh, "{\"steps\": ", 400, "body"),
            new("a member written twice", HttpMethod.Put, fresh, $$"""{"steps": {"make": {{Make()}} }, "steps": {} }""", 400, "body"),
            new("a body with comments", HttpMethod.Put, fresh, $$"""{"steps": {"make": {{Make()}} } /* hi */ }""", 400, "body"),
            new("a body over the limit", HttpMethod.Put, fresh, $$"""{"description": "{{new string('d', 17 * 1024)}}", "steps": {"make": {{Make()}} } }""", 413, "body"),
            new("a name with an escaped slash", HttpMethod.Put, "/api/pipelines/..%2Fescape", Steps($$"""{"make": {{Make()}} }"""), 400, "name"),
            new("a malformed source commit", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make()}} }"""), 400, "X-Nbf-Source-Commit", new() { ["X-Nbf-Source-Commit"] = "xyz", ["X-Nbf-Source-Path"] = "p.pipeline.yaml", ["X-Nbf-Source-Dirty"] = "false" }),
            new("a reader publishing", HttpMethod.Put, fresh, Steps($$"""{"make": {{Make()}} }"""), 403, null, Key: ApiHarness.ReaderKey),
            // Reading.
            new("an unknown pipeline", HttpMethod.Get, $"/api/pipelines/ghost-{token}", null, 404, "pipeline"),
            new("a version that is not one", HttpMethod.Get, $"/api/pipelines/{runnable}?version=../../runs/x", null, 400, "version"),
            new("a version never published", HttpMethod.Get, $"/api/pipelines/{runnable}?version={missingVersion}", null, 404, "version"),
            // Runs: the pipeline's parameters, the body, the key.
            new("an unknown pipeline parameter", HttpMethod.Post, runs, """{"parameters": {"rows": 2, "rowz": 3}}""", 400, "parameters.rowz", Says: "did you mean 'rows'?"),
            new("a required pipeline parameter missing", HttpMethod.Post, runs, """{"parameters": {}}""", 400, "parameters.rows"),
            new("no parameters at all", HttpMethod.Post, runs, "{}", 400, "parameters.rows"),
            new("a pipeline parameter of the wrong type", HttpMethod.Post, runs, """{"parameters": {"rows": "many"}}""", 400, "parameters.rows"),
            new("a misspelled run member", HttpMethod.Post, runs, $$"""{"versoin": "{{missingVersion}}", "parameters": {"rows": 2} }""", 400, "versoin", Says: "did you mean 'version'?"),
            new("an unknown run member", HttpMethod.Post, runs, """{"notebook": "x", "parameters": {"rows": 2}}""", 400, "notebook"),
            new("parameters as a list", HttpMethod.Post, runs, """{"parameters": [2]}""", 400, "parameters"),
            new("a run body that is not JSON", HttpMethod.Post, runs, "{\"parameters\": ", 400, "body"),
            new("a run of an unknown pipeline", HttpMethod.Post, $"/api/pipelines/ghost-{token}/runs", """{"parameters": {"rows": 2}}""", 404, "pipeline"),
            new("a run of a version never published", HttpMethod.Post, runs, $$"""{"version": "{{missingVersion}}", "parameters": {"rows": 2} }""", 404, "version"),
            new("a run of a pipeline named with a path", HttpMethod.Post, "/api/pipelines/..%2Fescape/runs", """{"parameters": {"rows": 2}}""", 400, "pipeline"),
            new("an idempotency key too long", HttpMethod.Post, runs, """{"parameters": {"rows": 2}}""", 400, "Idempotency-Key", new() { ["Idempotency-Key"] = new string('k', 201) }),
            new("a reader starting a run", HttpMethod.Post, runs, """{"parameters": {"rows": 2}}""", 403, null, Key: ApiHarness.ReaderKey),
        };

        // What these requests could write has the token in its name (pipelines, notebooks, runs and claims by the
        // pipeline's name), or the escaped names'.
        await BadRequests.AssertEachRefusedLeavingStorageAsync(api, cases, [token, "escape"], [$"pbat-{token}", $"ghost-{token}", "..", "escape"]);

        var (stillOne, pipeline) = await api.SendAsync(HttpMethod.Get, $"/api/pipelines/{runnable}");
        Assert.Equal(HttpStatusCode.OK, stillOne.StatusCode);
        Assert.Single(pipeline["versions"]!.AsArray());
        var (none, _) = await api.SendAsync(HttpMethod.Get, fresh);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        var instances = new List<string>();
        await foreach (var instance in api.Client.GetAllInstancesAsync(new Microsoft.DurableTask.Client.OrchestrationQuery { InstanceIdPrefix = $"pbat-{token}" }))
            instances.Add(instance.InstanceId);
        Assert.Empty(instances);
    }

    /// <summary>A pipeline of these steps and parameters (JSON objects as text).</summary>
    private static string Steps(string steps, string parameters = "{}") => $$"""{"parameters": {{parameters}}, "steps": {{steps}} }""";
}
