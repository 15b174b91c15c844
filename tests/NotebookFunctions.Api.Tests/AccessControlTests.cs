using System.Net;
using System.Text;
using NotebookFunctions.Api.AccessControl;

namespace NotebookFunctions.Api.Tests;

/// <summary>One role table, enforced: 401 without identity, 403 without the role, the principal read from App Service's header.</summary>
public sealed class AccessControlTests
{
    [Fact]
    public async Task Without_a_key_it_is_401_and_with_a_reader_key_only_reading_is_allowed()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("acl");
        var text = ApiHarness.NotebookText("x = 1");
        using var anonymous = new HttpClient { BaseAddress = api.Http.BaseAddress };

        var noKey = await anonymous.GetAsync("/api/notebooks");
        var wrongKey = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/notebooks") { Headers = { { "X-API-Key", "guess" } } });
        var (readerPublish, problem) = await api.PublishAsync(name, text, ApiHarness.ReaderKey);
        var (readerList, _) = await api.SendAsync(HttpMethod.Get, "/api/notebooks", headers: new Dictionary<string, string> { ["X-API-Key"] = ApiHarness.ReaderKey });
        var (readerRun, _) = await api.SendAsync(HttpMethod.Post, "/api/runs", new { notebook = name }, new Dictionary<string, string> { ["X-API-Key"] = ApiHarness.ReaderKey });
        var bearer = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/notebooks") { Headers = { { "Authorization", "Bearer " + ApiHarness.ReaderKey } } });

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readerPublish.StatusCode);
        Assert.Contains(NotebookRoles.Publisher, problem["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, readerList.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readerRun.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
    }

    [Fact]
    public void Every_operation_needs_exactly_one_of_the_three_roles_except_who_am_i()
    {
        Assert.Equal(25, ApiOperations.RequiredRole.Count);
        Assert.Equal(NotebookRoles.Reader, ApiOperations.RequiredRole[ApiOperations.GetRunEnvironment]);
        Assert.Equal(NotebookRoles.SignedIn, ApiOperations.RequiredRole[ApiOperations.GetSignedInUser]);
        Assert.Equal(NotebookRoles.Runner, ApiOperations.RequiredRole[ApiOperations.UploadInput]);
        Assert.Equal(NotebookRoles.Reader, ApiOperations.RequiredRole[ApiOperations.ViewChunkNotebook]);
        Assert.Equal(NotebookRoles.Reader, ApiOperations.RequiredRole[ApiOperations.GetRunFile]);
        Assert.All(ApiOperations.RequiredRole.Where(o => o.Key != ApiOperations.GetSignedInUser).Select(o => o.Value), role => Assert.Contains(role, NotebookRoles.All));
        Assert.Equal(NotebookRoles.Publisher, ApiOperations.RequiredRole[ApiOperations.PutSchedule]);
        Assert.Equal(NotebookRoles.Runner, ApiOperations.RequiredRole[ApiOperations.RepairRun]);
        Assert.Equal(NotebookRoles.Publisher, ApiOperations.RequiredRole[ApiOperations.PublishPipeline]);
        Assert.Equal(NotebookRoles.Runner, ApiOperations.RequiredRole[ApiOperations.StartPipelineRun]);
        Assert.True(AccessPolicy.Decide("TimerTick", null).Allowed);
    }

    [Fact]
    public void The_app_service_principal_header_yields_the_roles_of_its_role_claim_type()
    {
        var json = """
            {"auth_typ":"aad","name_typ":"name","role_typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
             "claims":[{"typ":"name","val":"Ada"},{"typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role","val":"Notebooks.Runner"},
                       {"typ":"roles","val":"Notebooks.Reader"},{"typ":"groups","val":"Notebooks.Publisher"}]}
            """;
        var principal = ClientPrincipal.FromHeader(Convert.ToBase64String(Encoding.UTF8.GetBytes(json)))!;

        Assert.Equal("Ada", principal.Name);
        Assert.Equal(["Notebooks.Reader", "Notebooks.Runner"], principal.Roles.Order());
        Assert.True(AccessPolicy.Decide(ApiOperations.StartRun, principal).Allowed);
        var denied = AccessPolicy.Decide(ApiOperations.PublishNotebook, principal);
        Assert.Equal(403, denied.Status);
        Assert.Contains("Ada", denied.Reason);
        Assert.Equal(401, AccessPolicy.Decide(ApiOperations.GetRun, ClientPrincipal.FromHeader("not base64!")).Status);
    }
}
