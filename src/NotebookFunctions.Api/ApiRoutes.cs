using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Endpoints;

namespace NotebookFunctions.Api;

/// <summary>
/// The API's routes on an ASP.NET Core host (nbf serve), each named after its Azure Function so the one role table
/// applies to both hosts. The Functions app declares the same routes as HTTP triggers calling the same handlers.
/// </summary>
public static class ApiRoutes
{
    public static IEndpointRouteBuilder MapNotebookFunctionsApi(this IEndpointRouteBuilder app, NotebooksApi notebooks, RunsApi runs, PipelinesApi pipelines, SchedulesApi schedules, CatalogApi catalog, UploadsApi uploads, DurableTaskClient client)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/me", (HttpRequest r) => SessionApi.Me(r)).WithName(ApiOperations.GetSignedInUser);
        api.MapGet("/catalog", (HttpRequest r) => catalog.ListAsync(r, client)).WithName(ApiOperations.GetCatalog);
        api.MapPost("/uploads", (HttpRequest r) => uploads.UploadAsync(r)).WithName(ApiOperations.UploadInput);
        api.MapPut("/notebooks/{name}", (HttpRequest r, string name) => notebooks.PublishAsync(r, name)).WithName(ApiOperations.PublishNotebook);
        api.MapGet("/notebooks", (HttpRequest r) => notebooks.ListAsync(r)).WithName(ApiOperations.ListNotebooks);
        api.MapGet("/notebooks/{name}", (HttpRequest r, string name) => notebooks.GetAsync(r, name)).WithName(ApiOperations.GetNotebook);
        api.MapPost("/runs", (HttpRequest r) => runs.StartAsync(r, client)).WithName(ApiOperations.StartRun);
        api.MapGet("/runs", (HttpRequest r) => runs.ListAsync(r, client)).WithName(ApiOperations.ListRuns);
        api.MapGet("/runs/{id}", (HttpRequest r, string id) => runs.GetAsync(r, client, id)).WithName(ApiOperations.GetRun);
        api.MapPost("/runs/{id}/cancel", (HttpRequest r, string id) => runs.CancelAsync(r, client, id)).WithName(ApiOperations.CancelRun);
        api.MapPost("/runs/{id}/repair", (HttpRequest r, string id) => runs.RepairAsync(r, client, id)).WithName(ApiOperations.RepairRun);
        api.MapGet("/runs/{id}/chunks/{index:int}/notebook", (HttpRequest r, string id, int index) => runs.ChunkNotebookAsync(r, client, id, index)).WithName(ApiOperations.GetChunkNotebook);
        api.MapGet("/runs/{id}/chunks/{index:int}/view", (HttpRequest r, string id, int index) => runs.ChunkNotebookPageAsync(r, client, id, index)).WithName(ApiOperations.ViewChunkNotebook);
        api.MapGet("/runs/{id}/reduce/view", (HttpRequest r, string id) => runs.ReduceNotebookPageAsync(r, client, id)).WithName(ApiOperations.ViewReduceNotebook);
        api.MapGet("/runs/{id}/files", (HttpRequest r, string id) => runs.FilesAsync(r, client, id)).WithName(ApiOperations.ListRunFiles);
        api.MapGet("/runs/{id}/environment", (HttpRequest r, string id) => runs.EnvironmentAsync(r, client, id)).WithName(ApiOperations.GetRunEnvironment);
        api.MapGet("/runs/{id}/files/{*path}", (HttpRequest r, string id, string path) => runs.FileAsync(r, client, id, path)).WithName(ApiOperations.GetRunFile);
        api.MapPut("/pipelines/{name}", (HttpRequest r, string name) => pipelines.PublishAsync(r, client, name)).WithName(ApiOperations.PublishPipeline);
        api.MapGet("/pipelines", (HttpRequest r) => pipelines.ListAsync(r, client)).WithName(ApiOperations.ListPipelines);
        api.MapGet("/pipelines/{name}", (HttpRequest r, string name) => pipelines.GetAsync(r, client, name)).WithName(ApiOperations.GetPipeline);
        api.MapPost("/pipelines/{name}/runs", (HttpRequest r, string name) => pipelines.StartRunAsync(r, client, name)).WithName(ApiOperations.StartPipelineRun);
        api.MapGet("/schedules", (HttpRequest r) => schedules.ListAsync(r)).WithName(ApiOperations.ListSchedules);
        api.MapGet("/schedules/preview", (HttpRequest r) => schedules.PreviewAsync(r)).WithName(ApiOperations.PreviewSchedule);
        api.MapPut("/schedules/{name}", (HttpRequest r, string name) => schedules.PutAsync(r, name)).WithName(ApiOperations.PutSchedule);
        api.MapDelete("/schedules/{name}", (HttpRequest r, string name) => schedules.DeleteAsync(r, name)).WithName(ApiOperations.DeleteSchedule);
        return app;
    }

    /// <summary>The web app's page and assets under /app/ (no role: the page asks /api/me who is signed in), and / leading there.</summary>
    public static IEndpointRouteBuilder MapWebApp(this IEndpointRouteBuilder app)
    {
        app.MapGet("/app/{*path}", (HttpContext context, string? path) => Web.WebApp.Serve(context, path));
        app.MapGet("/", () => Results.Redirect(Web.WebApp.Root));
        return app;
    }
}
