using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using NotebookFunctions.Api;

namespace NotebookFunctions.FunctionApp.Middleware;

/// <summary>
/// The headers of <see cref="ResponseHeaders.ForEveryResponse"/> on every HTTP function's response. Registered ahead of
/// <see cref="RoleAuthorizationMiddleware"/>, so its refusals carry them too.
/// </summary>
public sealed class ResponseHeadersMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http) ResponseHeaders.ForEveryResponse(http.Response);
        return next(context);
    }
}
