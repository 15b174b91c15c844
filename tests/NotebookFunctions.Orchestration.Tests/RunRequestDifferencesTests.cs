using System.Text.Json.Nodes;
using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Orchestration.Tests;

/// <summary>What a retried idempotency key is compared by: the request it first started, against the retry as shaped.</summary>
public sealed class RunRequestDifferencesTests
{
    private static readonly string Sha1 = new('1', 64);
    private static readonly string Sha2 = new('2', 64);

    private static RunSubmission Submission(ReduceSubmission? reduce) => new()
    {
        Notebook = "sales",
        Parameters = new JsonObject { ["scale"] = 2 },
        Input = new InputSubmission { Container = "data", Prefix = "sales.csv" },
        Reduce = reduce,
    };

    /// <summary>The first request as its run holds it: versions resolved, the reduce its own or the map notebook's.</summary>
    private static RunRequest Started(string reduceNotebook, int factor) =>
        RunValidator.Shape(Submission(null)) with
        {
            Version = Sha1,
            Reduce = new ReduceRequest { Notebook = reduceNotebook, Version = Sha1, Parameters = new JsonObject { ["factor"] = factor } },
        };

    private static List<string> Retry(RunRequest earlier, ReduceSubmission? reduce) =>
        RunRequestDifferences.Between(earlier, RunValidator.Shape(Submission(reduce)));

    [Fact]
    public void A_retry_naming_another_reduce_or_other_reduce_parameters_differs_by_those_fields()
    {
        var earlier = Started("totals", factor: 2);

        Assert.Equal(["reduce.parameters"], Retry(earlier, new ReduceSubmission { Notebook = "totals", Parameters = new JsonObject { ["factor"] = 3 } }));
        Assert.Equal(["reduce.notebook"], Retry(earlier, new ReduceSubmission { Notebook = "averages", Parameters = new JsonObject { ["factor"] = 2 } }));
        Assert.Equal(["reduce.version"], Retry(earlier, new ReduceSubmission { Notebook = "totals", Version = Sha2, Parameters = new JsonObject { ["factor"] = 2 } }));
        Assert.Equal(["reduce"], Retry(RunValidator.Shape(Submission(null)) with { Version = Sha1 }, new ReduceSubmission { Notebook = "totals" }));
    }

    [Fact]
    public void A_retry_naming_the_same_reduce_or_none_asks_for_the_same_run()
    {
        var earlier = Started("totals", factor: 2);

        // None named: the map notebook's metadata decided the first time and decides again.
        Assert.Empty(Retry(earlier, null));
        // No version: the latest, which the first run resolved.
        Assert.Empty(Retry(earlier, new ReduceSubmission { Notebook = "totals", Parameters = new JsonObject { ["factor"] = 2 } }));
        Assert.Empty(Retry(earlier, new ReduceSubmission { Notebook = "totals", Version = Sha1, Parameters = new JsonObject { ["factor"] = 2 } }));
    }
}
