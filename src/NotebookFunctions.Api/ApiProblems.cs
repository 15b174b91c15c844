using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;

namespace NotebookFunctions.Api;

/// <summary>Turns every refusal the handlers know into problem details; anything else is a bug and stays a 500.</summary>
public static class ApiProblems
{
    public static IResult From(ApiException e) => Problem(e.Status, e.Title, e.Message, e.Extensions);

    /// <summary>Runs a handler, answering known refusals as problem details.</summary>
    public static async Task<IResult> GuardAsync(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (ApiException e)
        {
            return From(e);
        }
        catch (NotebookFormatException e)
        {
            return Problem(400, "Invalid notebook", e.Message, new Dictionary<string, object?>
            {
                ["notebook"] = e.Source,
                ["problems"] = e.Problems.Select(p => new { message = p.Message, cell = p.CellIndex, cellId = p.CellId, field = p.Field }).ToList(),
            });
        }
        catch (ParameterException e)
        {
            return Problem(400, "Invalid parameters", e.Message, new Dictionary<string, object?>
            {
                ["parameters"] = e.Problems.Select(p => new { parameter = p.Parameter, message = p.Message }).ToList(),
            });
        }
        catch (ChunkPlanningException e)
        {
            return Problem(400, "Invalid input", e.Message, new Dictionary<string, object?> { ["field"] = "input" });
        }
        catch (SecretNotFoundException e)
        {
            return Problem(400, "Unknown secret", e.Message, new Dictionary<string, object?> { ["field"] = "secrets", ["secret"] = e.SecretName });
        }
    }

    public static IResult Problem(int status, string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions) problem.Extensions[key] = value;
        }

        return Results.Problem(problem);
    }
}
