using System.Diagnostics;
using System.Net.Sockets;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Api;

/// <summary>
/// Every answer that is not a success is a problem document: the API's own refusals, the run service's, storage
/// outages (503 with Retry-After) and bugs (500 with a correlation id; the detail goes to the log, not the caller).
/// </summary>
public static class ApiProblems
{
    /// <summary>How long a caller should wait before retrying when storage or the task hub is unreachable.</summary>
    public const int RetryAfterSeconds = 10;

    public static IResult From(ApiException e) => Problem(e.Status, e.Title, e.Message, e.Extensions);

    /// <summary>The HTTP status of a run service refusal.</summary>
    public static int StatusOf(RunRefusalKind kind) => kind switch
    {
        RunRefusalKind.NotFound => StatusCodes.Status404NotFound,
        RunRefusalKind.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>Runs a handler, answering every way it can fail as a problem document.</summary>
    public static async Task<IResult> GuardAsync(HttpRequest request, Func<Task<IResult>> handler)
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
        catch (Exception e) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Unexpected(request.HttpContext, e);
        }
    }

    /// <summary>A failure no handler expected: 503 when storage or the task hub cannot be reached, else 500; logged either way.</summary>
    public static IResult Unexpected(HttpContext context, Exception e)
    {
        var correlation = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        var logger = context.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger("NotebookFunctions.Api");
        if (IsOutage(e))
        {
            logger?.LogWarning(e, "{Method} {Route} failed: storage or the task hub is unreachable (correlation {Correlation})", context.Request.Method, LogText.Quote(context.Request.Path), correlation);
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status503ServiceUnavailable, "Storage unavailable",
                $"the backend's storage or task hub cannot be reached right now; retry in {RetryAfterSeconds} seconds",
                new Dictionary<string, object?> { ["correlationId"] = correlation, ["retryAfterSeconds"] = RetryAfterSeconds });
        }

        logger?.LogError(e, "{Method} {Route} failed unexpectedly (correlation {Correlation})", context.Request.Method, LogText.Quote(context.Request.Path), correlation);
        return Problem(StatusCodes.Status500InternalServerError, "Internal error",
            $"the request failed unexpectedly; the error is logged with correlation id {correlation}",
            new Dictionary<string, object?> { ["correlationId"] = correlation });
    }

    /// <summary>Storage (blobs, queues, tables) or the durable task hub did not answer: worth retrying, not a bug.</summary>
    public static bool IsOutage(Exception e) => e switch
    {
        RequestFailedException { Status: 0 or 408 or 500 or 502 or 503 or 504 } => true,
        HttpRequestException or SocketException or TimeoutException => true,
        Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.DeadlineExceeded } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsOutage),
        _ => e.InnerException is { } inner && IsOutage(inner),
    };

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
