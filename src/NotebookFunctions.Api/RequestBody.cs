using Microsoft.AspNetCore.Http;

namespace NotebookFunctions.Api;

/// <summary>A request body read whole, up to a limit: what a publish (a notebook, a pipeline) stores is held before it is checked.</summary>
public static class RequestBody
{
    /// <summary>
    /// Reads the body up to <paramref name="limit"/> bytes; one byte more is refused with <paramref name="tooLarge"/>
    /// (given the claimed size, when Content-Length said it), whatever Content-Length claimed. Empty when nothing was sent.
    /// </summary>
    public static async Task<byte[]> ReadLimitedAsync(HttpRequest request, long limit, Func<long?, ApiException> tooLarge)
    {
        if (request.ContentLength > limit) throw tooLarge(request.ContentLength.Value);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit) throw tooLarge(null);
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
