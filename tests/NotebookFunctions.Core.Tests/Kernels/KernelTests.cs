using System.Diagnostics;
using NotebookFunctions.Core.Kernels;

namespace NotebookFunctions.Core.Tests.Kernels;

public sealed class KernelTests
{
    private static KernelSpec Python => new KernelSpecFinder().Find("python3");

    [Fact]
    public async Task A_started_kernel_answers_kernel_info_and_runs_code()
    {
        await using var kernel = await Kernel.StartAsync(Python);
        Assert.Equal("python", kernel.Info["language_info"]!["name"]!.GetValue<string>());

        var request = kernel.Execute("print('hello'); 6*7");
        var messages = new List<JupyterMessage>();
        await foreach (var m in request.IoPub.ReadAllAsync()) messages.Add(m);
        var reply = await request.Reply;

        Assert.Equal("ok", reply.Content["status"]!.GetValue<string>());
        Assert.Contains(messages, m => m.MsgType == "stream" && m.Content["text"]!.GetValue<string>() == "hello\n");
        Assert.Contains(messages, m => m.MsgType == "execute_result" && m.Content["data"]!["text/plain"]!.GetValue<string>() == "42");
        Assert.Equal("idle", messages[^1].Content["execution_state"]!.GetValue<string>());
    }
}
