using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Api;

/// <summary>Turns every refusal the handlers know into problem details; anything else is a bug and stays a 500.</summary>
public static class ApiProblems
{
    public static IResult From(ApiException e) => Problem(e.Status, e.Title, e.Message, e.Extensions);

    /// <summary>The HTTP status of a run service refusal.</summary>
    public static int StatusOf(RunRefusalKind kind) => kind switch
    {
        RunRefusalKind.NotFound => StatusCodes.Status404NotFound,
        RunRefusalKind.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>Runs a handler, answering known refusals (the API's own, and the run service's and Core's) as problem details.</summary>
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
        catch (Exception e) when (RunRefusalException.From(e) is { } refusal)
        {
            var extensions = new Dictionary<string, object?>(refusal.Extensions);
            if (refusal.Field is not null) extensions["field"] = refusal.Field;
            return Problem(StatusOf(refusal.Kind), refusal.Title, refusal.Message, extensions);
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
