using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.FunctionApp.Middleware;

namespace NotebookFunctions.FunctionApp.Tests;

/// <summary>The worker middleware enforces the role table from App Service Authentication's principal.</summary>
public sealed class RoleMiddlewareTests
{
    private static string Principal(params string[] roles) => Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject
    {
        ["auth_typ"] = "aad",
        ["name_typ"] = "name",
        ["role_typ"] = "roles",
        ["claims"] = new JsonArray([new JsonObject { ["typ"] = "name", ["val"] = "Grace" }, .. roles.Select(r => (JsonNode)new JsonObject { ["typ"] = "roles", ["val"] = r })]),
    }.ToJsonString()));

    private static async Task<(bool Called, int Status, string Body)> InvokeAsync(string function, string? principal, AuthOptions? options = null, Action<HttpRequest>? request = null)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        http.Response.Body = new MemoryStream();
        // A program signs in with a bearer token (App Service Authentication turns it into the principal header).
        if (principal is not null)
        {
            http.Request.Headers[ClientPrincipal.HeaderName] = principal;
            http.Request.Headers.Authorization = "Bearer eyJ";
        }

        request?.Invoke(http.Request);
        var called = false;
        await new RoleAuthorizationMiddleware(Options.Create(options ?? new AuthOptions { PlatformAuthentication = true }))
            .Invoke(new FakeFunctionContext(function, http), _ => { called = true; return Task.CompletedTask; });
        http.Response.Body.Position = 0;
        return (called, http.Response.StatusCode, await new StreamReader(http.Response.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task No_principal_is_401_a_missing_role_is_403_and_the_right_role_passes()
    {
        var anonymous = await InvokeAsync(ApiOperations.StartRun, null);
        var reader = await InvokeAsync(ApiOperations.StartRun, Principal(NotebookRoles.Reader));
        var runner = await InvokeAsync(ApiOperations.StartRun, Principal(NotebookRoles.Reader, NotebookRoles.Runner));

        Assert.False(anonymous.Called);
        Assert.Equal(401, anonymous.Status);
        Assert.Contains("Notebooks.Runner", anonymous.Body);
        Assert.False(reader.Called);
        Assert.Equal(403, reader.Status);
        Assert.Contains("Grace", JsonNode.Parse(reader.Body)!["detail"]!.GetValue<string>());
        Assert.True(runner.Called);
    }

    [Fact]
    public async Task A_browser_signed_in_by_the_platform_cookie_changes_nothing_without_the_page_s_csrf_token()
    {
        var runner = Principal(NotebookRoles.Reader, NotebookRoles.Runner);
        void Cookies(HttpRequest r, string? csrf)
        {
            r.Method = "POST";
            r.Scheme = "https";
            r.Host = new HostString("nbf.example");
            r.Headers.Remove("Authorization");
            r.Headers.Cookie = "AppServiceAuthSession=abc; nbf_csrf=token-1";
            if (csrf is not null) r.Headers["X-NBF-CSRF"] = csrf;
        }

        var forged = await InvokeAsync(ApiOperations.StartRun, runner, request: r => Cookies(r, null));
        var wrong = await InvokeAsync(ApiOperations.StartRun, runner, request: r => Cookies(r, "token-2"));
        var crossSite = await InvokeAsync(ApiOperations.StartRun, runner, request: r => { Cookies(r, "token-1"); r.Headers.Origin = "https://evil.example"; });
        var fromPage = await InvokeAsync(ApiOperations.StartRun, runner, request: r => { Cookies(r, "token-1"); r.Headers.Origin = "https://nbf.example"; });
        var reading = await InvokeAsync(ApiOperations.ListRuns, runner, request: r => { Cookies(r, null); r.Method = "GET"; });
        var bearer = await InvokeAsync(ApiOperations.StartRun, runner, request: r => { Cookies(r, null); r.Headers.Authorization = "Bearer eyJ"; });

        Assert.Equal((false, 403), (forged.Called, forged.Status));
        Assert.Contains("X-NBF-CSRF", forged.Body);
        Assert.Equal((false, 403), (wrong.Called, wrong.Status));
        Assert.Equal((false, 403), (crossSite.Called, crossSite.Status));
        Assert.Contains("another site (https://evil.example)", crossSite.Body);
        Assert.True(fromPage.Called);
        Assert.True(reading.Called);
        Assert.True(bearer.Called);
    }

    [Fact]
    public async Task Development_roles_stand_in_only_in_development_and_never_for_a_real_principal()
    {
        var roles = $"{NotebookRoles.Reader},{NotebookRoles.Publisher}";

        var development = await InvokeAsync(ApiOperations.PutSchedule, null, new AuthOptions { DevelopmentRoles = roles, IsDevelopment = true });
        var production = await InvokeAsync(ApiOperations.PutSchedule, null, new AuthOptions { DevelopmentRoles = roles, IsDevelopment = false, PlatformAuthentication = true });
        var realPrincipal = await InvokeAsync(ApiOperations.PutSchedule, Principal(NotebookRoles.Reader), new AuthOptions { DevelopmentRoles = roles, IsDevelopment = true, PlatformAuthentication = true });

        var deployed = await InvokeAsync(ApiOperations.PutSchedule, null, new AuthOptions { DevelopmentRoles = roles, IsDevelopment = true, RunsInAzure = true });
        var unlisted = await InvokeAsync("SomeNewFunction", Principal(NotebookRoles.Publisher));
        var page = await InvokeAsync(Functions.WebHttpFunctions.WebAppName, null);

        Assert.True(development.Called);
        Assert.Equal(401, production.Status);
        Assert.Equal((false, 401), (deployed.Called, deployed.Status));
        Assert.Equal((false, 403), (unlisted.Called, unlisted.Status));
        Assert.Contains("not an operation of the role table", unlisted.Body);
        Assert.True(page.Called);
        Assert.Equal(403, realPrincipal.Status);
    }

    [Fact]
    public async Task Every_function_answers_401_without_identity_403_with_another_role_and_runs_with_its_own()
    {
        foreach (var (function, role) in ApiOperations.RequiredRole)
        {
            Assert.Equal(401, (await InvokeAsync(function, null)).Status);
            Assert.Equal(401, (await InvokeAsync(function, "garbage")).Status);
            // Who am I: any signed-in caller, with or without roles.
            if (role == NotebookRoles.SignedIn)
            {
                Assert.True((await InvokeAsync(function, Principal())).Called, $"{function} refused a caller without roles");
                continue;
            }

            foreach (var other in NotebookRoles.All.Where(r => r != role))
            {
                var denied = await InvokeAsync(function, Principal(other));
                Assert.False(denied.Called, $"{function} ran for {other}");
                Assert.Equal(403, denied.Status);
            }

            Assert.True((await InvokeAsync(function, Principal(role))).Called, $"{function} refused {role}");
        }
    }

    [Fact]
    public async Task Without_app_service_authentication_a_principal_header_is_not_believed()
    {
        // Anyone with a function key could otherwise claim every role by writing the header themselves.
        var forged = await InvokeAsync(ApiOperations.PublishNotebook, Principal(NotebookRoles.All.ToArray()), new AuthOptions { PlatformAuthentication = false });

        Assert.False(forged.Called);
        Assert.Equal(401, forged.Status);
    }

    [Fact]
    public async Task Functions_without_http_pass_through()
    {
        var called = false;
        await new RoleAuthorizationMiddleware(Options.Create(new AuthOptions()))
            .Invoke(new FakeFunctionContext("ScheduleTick", null), _ => { called = true; return Task.CompletedTask; });
        Assert.True(called);
    }
}
