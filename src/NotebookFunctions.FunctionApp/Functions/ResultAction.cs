using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace NotebookFunctions.FunctionApp.Functions;

/// <summary>Runs a handler's <see cref="IResult"/> as the <see cref="IActionResult"/> the Functions ASP.NET Core integration executes.</summary>
public sealed class ResultAction(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context) => Result.ExecuteAsync(context.HttpContext);
}
