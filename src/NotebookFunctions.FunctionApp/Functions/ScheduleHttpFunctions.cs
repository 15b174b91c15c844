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
    public async Task<IActionResult> ListSchedules([HttpTrigger(AuthorizationLevel.Function, "get", Route = "schedules")] HttpRequest request) =>
        new ResultAction(await schedules.ListAsync(request));

    [Function(ApiOperations.PutSchedule)]
    public async Task<IActionResult> PutSchedule([HttpTrigger(AuthorizationLevel.Function, "put", Route = "schedules/{name}")] HttpRequest request, string name) =>
        new ResultAction(await schedules.PutAsync(request, name));

    [Function(ApiOperations.DeleteSchedule)]
    public async Task<IActionResult> DeleteSchedule([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "schedules/{name}")] HttpRequest request, string name) =>
        new ResultAction(await schedules.DeleteAsync(request, name));
}
