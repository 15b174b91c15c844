namespace NotebookFunctions.Api.AccessControl;

/// <summary>
/// Every HTTP operation of the API, by the name its Azure Function has, with the role it needs: the one table both
/// hosts enforce (the Functions middleware by function name, <c>nbf serve</c> by endpoint name).
/// </summary>
public static class ApiOperations
{
    public const string PublishNotebook = nameof(PublishNotebook);
    public const string ListNotebooks = nameof(ListNotebooks);
    public const string GetNotebook = nameof(GetNotebook);
    public const string StartRun = nameof(StartRun);
    public const string ListRuns = nameof(ListRuns);
    public const string GetRun = nameof(GetRun);
    public const string CancelRun = nameof(CancelRun);
    public const string RepairRun = nameof(RepairRun);
    public const string GetChunkNotebook = nameof(GetChunkNotebook);
    public const string ViewChunkNotebook = nameof(ViewChunkNotebook);
    public const string ViewReduceNotebook = nameof(ViewReduceNotebook);
    public const string ListRunFiles = nameof(ListRunFiles);
    public const string GetRunEnvironment = nameof(GetRunEnvironment);
    public const string GetRunFile = nameof(GetRunFile);
    public const string PublishPipeline = nameof(PublishPipeline);
    public const string ListPipelines = nameof(ListPipelines);
    public const string GetPipeline = nameof(GetPipeline);
    public const string StartPipelineRun = nameof(StartPipelineRun);
    public const string ListSchedules = nameof(ListSchedules);
    public const string PutSchedule = nameof(PutSchedule);
    public const string DeleteSchedule = nameof(DeleteSchedule);
    public const string PreviewSchedule = nameof(PreviewSchedule);
    public const string GetCatalog = nameof(GetCatalog);
    public const string UploadInput = nameof(UploadInput);
    public const string GetSignedInUser = nameof(GetSignedInUser);

    public static IReadOnlyDictionary<string, string> RequiredRole { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PublishNotebook] = NotebookRoles.Publisher,
        [ListNotebooks] = NotebookRoles.Reader,
        [GetNotebook] = NotebookRoles.Reader,
        [StartRun] = NotebookRoles.Runner,
        [ListRuns] = NotebookRoles.Reader,
        [GetRun] = NotebookRoles.Reader,
        [CancelRun] = NotebookRoles.Runner,
        [RepairRun] = NotebookRoles.Runner,
        [GetChunkNotebook] = NotebookRoles.Reader,
        [ViewChunkNotebook] = NotebookRoles.Reader,
        [ViewReduceNotebook] = NotebookRoles.Reader,
        [ListRunFiles] = NotebookRoles.Reader,
        [GetRunEnvironment] = NotebookRoles.Reader,
        [GetRunFile] = NotebookRoles.Reader,
        // A pipeline is published, read and run with the roles its notebooks are.
        [PublishPipeline] = NotebookRoles.Publisher,
        [ListPipelines] = NotebookRoles.Reader,
        [GetPipeline] = NotebookRoles.Reader,
        [StartPipelineRun] = NotebookRoles.Runner,
        [ListSchedules] = NotebookRoles.Reader,
        [PutSchedule] = NotebookRoles.Publisher,
        [DeleteSchedule] = NotebookRoles.Publisher,
        [PreviewSchedule] = NotebookRoles.Reader,
        // The web app's own needs: what to list, where a run's uploaded input goes, and who is signed in.
        [GetCatalog] = NotebookRoles.Reader,
        [UploadInput] = NotebookRoles.Runner,
        [GetSignedInUser] = NotebookRoles.SignedIn,
    };
}
