namespace NotebookFunctions.Tests.Shared;

/// <summary>
/// Durable Task's in-memory test host picks its gRPC port before binding it; with test classes starting hosts in
/// parallel, another listener can take the port in between. Such a start is simply tried again.
/// </summary>
internal static class TestHostStarts
{
    public static async Task<T> RetryingAsync<T>(Func<Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (IOException e) when (attempt < 5 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await Task.Delay(100 * attempt);
            }
        }
    }
}
