using Microsoft.AspNetCore.Http;

namespace NotebookFunctions.Api;

/// <summary>Any result, plus a Location header (201 Created, 202 Accepted).</summary>
public sealed class LocatedResult(IResult inner, string location) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Location = location;
        await inner.ExecuteAsync(httpContext);
    }
}
