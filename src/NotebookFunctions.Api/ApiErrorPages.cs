using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace NotebookFunctions.Api;

/// <summary>
/// The standalone host's own refusals as problem documents too: an unknown route (404), a wrong method (405), a URL
/// or headers over the limits (414, 431), a body over Kestrel's limit (413) or too slow (408), a malformed request
/// (400), and anything unexpected (500 with a correlation id, or 503 when storage is down).
/// </summary>
public static class ApiErrorPages
{
    /// <summary>Longest path and query accepted; Kestrel's own line limit is set above it, so the refusal is ours and has a body.</summary>
    public const int MaxUrlLength = 8 * 1024;

    /// <summary>Largest total of header names and values; likewise below Kestrel's.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>Kestrel limits above ours: what is over ours reaches the pipeline and is answered with a problem document.</summary>
    public static void RaiseServerLimits(KestrelServerLimits limits, long maxBodyBytes)
    {
        limits.MaxRequestLineSize = MaxUrlLength * 4;
        limits.MaxRequestHeadersTotalSize = MaxHeaderBytes * 4;
        limits.MaxRequestBodySize = maxBodyBytes;
    }

    /// <summary>What an unknown route is told, on either host.</summary>
    public static string NoRouteDetail(HttpRequest request) =>
        $"no API route {request.Method} {request.Path} (routes are under /api/: notebooks, runs, pipelines, schedules)";

    /// <summary>The answer to a route no operation has: what the Functions app's catch-all function returns.</summary>
    public static IResult NoRoute(HttpRequest request) => ApiProblems.Problem(StatusCodes.Status404NotFound, "Not found", NoRouteDetail(request));

    public static void UseProblemResponses(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.Path.Value?.Length + request.QueryString.Value?.Length > MaxUrlLength)
            {
                await ApiProblems.Problem(StatusCodes.Status414UriTooLong, "URL too long", $"the URL is over {MaxUrlLength} characters", new Dictionary<string, object?> { ["field"] = "url" }).ExecuteAsync(context);
                return;
            }

            if (request.Headers.Sum(h => h.Key.Length + h.Value.Sum(v => v?.Length ?? 0)) > MaxHeaderBytes)
            {
                await ApiProblems.Problem(StatusCodes.Status431RequestHeaderFieldsTooLarge, "Headers too large", $"the request headers are over {MaxHeaderBytes} bytes in all", new Dictionary<string, object?> { ["field"] = "headers" }).ExecuteAsync(context);
                return;
            }

            try
            {
                await next(context);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                // Raised by the server while the body is read: over the size limit (413), too slow (408), malformed (400).
                var title = e.StatusCode switch { 413 => "Body too large", 408 => "Request timeout", _ => "Bad request" };
                await ApiProblems.Problem(e.StatusCode, title, $"the request was refused while its body was read: {e.Message}", new Dictionary<string, object?> { ["field"] = "body" }).ExecuteAsync(context);
            }
            catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                await ApiProblems.Unexpected(context, e).ExecuteAsync(context);
            }
        });

        // Answers the routing left empty: no such route, or not with this method.
        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            var (title, detail) = context.Response.StatusCode switch
            {
                404 => ("Not found", NoRouteDetail(context.Request)),
                405 => ("Method not allowed", $"{context.Request.Path} does not take {context.Request.Method}"),
                var code => (Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code), $"the request was refused ({code})"),
            };
            await ApiProblems.Problem(context.Response.StatusCode, title, detail).ExecuteAsync(context);
        });
    }
}
