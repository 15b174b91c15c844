using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Endpoints;

namespace NotebookFunctions.FunctionApp.Functions;

/// <summary>/api/schedules: list, create or replace, delete.</summary>
public sealed class ScheduleHttpFunctions(SchedulesApi schedules)
{
    [Function(ApiOperations.ListSchedules)]
    public async Task<IActionResult> ListSchedules([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schedules")] HttpRequest request) =>
        new ResultAction(await schedules.ListAsync(request));

    [Function(ApiOperations.PreviewSchedule)]
    public async Task<IActionResult> PreviewSchedule([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schedules/preview")] HttpRequest request) =>
        new ResultAction(await schedules.PreviewAsync(request));

    [Function(ApiOperations.PutSchedule)]
    public async Task<IActionResult> PutSchedule([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/schedules/{name}")] HttpRequest request, string name) =>
        new ResultAction(await schedules.PutAsync(request, name));

    [Function(ApiOperations.DeleteSchedule)]
    public async Task<IActionResult> DeleteSchedule([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/schedules/{name}")] HttpRequest request, string name) =>
        new ResultAction(await schedules.DeleteAsync(request, name));
}
