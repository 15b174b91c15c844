using NotebookFunctions.Core.Kernels;

namespace NotebookFunctions.Core.Tests.Kernels;

/// <summary>Runs code on a started kernel and returns what it printed (stream messages), once the reply came.</summary>
internal static class KernelOutput
{
    public static async Task<string> PrintedAsync(Kernel kernel, string code)
    {
        var request = kernel.Execute(code);
        var text = new System.Text.StringBuilder();
        await foreach (var m in request.IoPub.ReadAllAsync())
        {
            if (m.MsgType == "stream") text.Append(m.Content["text"]!.GetValue<string>());
        }

        await request.Reply;
        return text.ToString();
    }
}
