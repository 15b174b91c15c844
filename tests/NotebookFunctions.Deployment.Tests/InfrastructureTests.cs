using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Incoming;
using NotebookFunctions.Api.Schedules;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Deployment.Tests;

/// <summary>infra/ builds and lints clean, and says what the code expects: settings, containers, roles, identity only.</summary>
public sealed class InfrastructureTests
{
    private static readonly Lazy<Task<JsonObject>> Template = new(async () =>
    {
        var (exit, stdout, stderr) = await Repository.RunAsync(Repository.Bicep(), "build", "infra/main.bicep", "--stdout");
        Assert.True(exit == 0, stderr);
        return JsonNode.Parse(stdout)!.AsObject();
    });

    private static IEnumerable<JsonObject> Resources(JsonObject template)
    {
        foreach (var resource in template["resources"] is JsonObject byName ? byName.Select(p => p.Value) : template["resources"]!.AsArray())
        {
            if (resource is not JsonObject obj) continue;
            yield return obj;
            if (obj["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Resources(nested)) yield return inner;
            }
        }
    }

    private static JsonObject Site(JsonObject template) => Resources(template).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites");

    [Fact]
    public async Task Bicep_builds_and_lints_without_a_single_warning()
    {
        var (exit, stdout, stderr) = await Repository.RunAsync(Repository.Bicep(), "lint", "infra/main.bicep");

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("Warning", stdout + stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Error", stdout + stderr, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(await Template.Value);
    }

    [Fact]
    public async Task Every_app_setting_is_one_the_code_reads_or_the_platform_needs_and_none_is_a_connection_string()
    {
        var template = await Template.Value;
        var settings = Site(template)["properties"]!["siteConfig"]!["appSettings"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        var platform = new HashSet<string>
        {
            "FUNCTIONS_EXTENSION_VERSION", "FUNCTIONS_WORKER_RUNTIME", "DOCKER_REGISTRY_SERVER_URL", "WEBSITES_ENABLE_APP_SERVICE_STORAGE",
            "AzureWebJobsStorage__credential", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
            // The Functions host's own host.json setting, overridden per plan size.
            "AzureFunctionsJobHost__extensions__durableTask__maxConcurrentActivityFunctions",
        };
        var code = string.Join("\n", Directory.EnumerateFiles(Repository.PathOf("src"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));

        foreach (var setting in settings.Where(s => !platform.Contains(s)))
        {
            var key = setting.Replace("__", ":", StringComparison.Ordinal);
            Assert.True(code.Contains($"\"{key}\"", StringComparison.Ordinal) || code.Contains($"\"{setting}\"", StringComparison.Ordinal), $"app setting {setting} is read nowhere in src/");
        }

        Assert.Contains("AzureWebJobsStorage__accountName", settings);
        Assert.Contains("NotebookFunctions__KeyVaultUri", settings);
        Assert.DoesNotContain(settings, s => s is "AzureWebJobsStorage" or "NotebookFunctions__Storage");
        var text = template.ToJsonString();
        Assert.DoesNotContain("AccountKey=", text);
        Assert.DoesNotContain("listKeys(", text);
        Assert.DoesNotContain("SharedAccessSignature", text);
    }

    [Fact]
    public async Task Failed_runs_and_chunks_email_a_person_through_an_action_group_when_an_address_is_given()
    {
        var template = await Template.Value;
        var resources = Resources(template).ToList();
        var module = resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/deployments" && r["name"]!.GetValue<string>() == "alerts");
        Assert.Equal("[not(empty(parameters('alertEmail')))]", module["condition"]!.GetValue<string>());
        Assert.Contains("alertEmail", JsonNode.Parse(Repository.Read("infra/main.parameters.json"))!["parameters"]!.AsObject().Select(p => p.Key));

        var group = resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/actionGroups");
        var email = group["properties"]!["emailReceivers"]!.AsArray().Single()!;
        Assert.Equal("[parameters('alertEmail')]", email["emailAddress"]!.GetValue<string>());
        Assert.True(group["properties"]!["groupShortName"]!.GetValue<string>().Length <= 12);

        var rule = resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/scheduledQueryRules");
        Assert.Equal("LogAlert", rule["kind"]!.GetValue<string>());
        Assert.Contains("Microsoft.Insights/components", rule["properties"]!["scopes"]![0]!.GetValue<string>());
        Assert.Contains("Microsoft.Insights/actionGroups", rule["properties"]!["actions"]!["actionGroups"]![0]!.GetValue<string>());
        var criterion = rule["properties"]!["criteria"]!["allOf"]![0]!;
        Assert.Equal("GreaterThan", criterion["operator"]!.GetValue<string>());
        Assert.Equal(0, criterion["threshold"]!.GetValue<int>());
        // The query reads what the app exports: spans as requests, their tags as custom dimensions, a run's status on its merge span.
        var query = criterion["query"]!.GetValue<string>();
        foreach (var tag in new[] { Core.Telemetry.NotebookTelemetry.Attributes.Status, Core.Telemetry.NotebookTelemetry.Attributes.RunId, Core.Telemetry.NotebookTelemetry.Attributes.Notebook })
            Assert.Contains($"customDimensions['{tag}']", query);
        foreach (var status in new[] { nameof(Orchestration.Models.RunStatus.Failed), nameof(Orchestration.Models.RunStatus.CompletedWithFailures) })
            Assert.Contains($"'{status}'", query);
        var spans = Repository.Read("src/NotebookFunctions.Orchestration/Telemetry/RunSpans.cs");
        Assert.Contains("StartActivity(\"merge\"", spans);
        Assert.Contains("StartActivity($\"chunk {", spans);
        Assert.StartsWith("requests", query.Trim());
    }

    [Fact]
    public async Task Storage_refuses_shared_keys_and_has_every_container_the_code_uses()
    {
        var template = await Template.Value;
        var account = Resources(template).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts");
        Assert.False(account["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", account["properties"]!["minimumTlsVersion"]!.GetValue<string>());

        var storageModule = Repository.Read("infra/modules/storage.bicep");
        foreach (var container in new[] { StorageLayout.NotebooksContainer, StorageLayout.RunsContainer, ScheduleStore.Container, IncomingBlobs.Container, IncomingBlobs.RejectedContainer, StorageLayout.InputsContainer })
            Assert.Contains($"'{container}'", storageModule);
    }

    [Fact]
    public async Task The_site_is_https_only_tls_1_2_ftp_off_identity_based_and_signs_in_with_entra()
    {
        var site = Site(await Template.Value);
        var properties = site["properties"]!;
        Assert.True(properties["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("1.2", properties["siteConfig"]!["minTlsVersion"]!.GetValue<string>());
        Assert.Equal("Disabled", properties["siteConfig"]!["ftpsState"]!.GetValue<string>());
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
        Assert.Contains("functionapp,linux,container", site["kind"]!.GetValue<string>());

        var functionApp = Repository.Read("infra/modules/functionapp.bicep");
        Assert.Contains("authsettingsV2", functionApp);
        Assert.Contains("unauthenticatedClientAction: 'RedirectToLoginPage'", functionApp);
        Assert.Contains("redirectToProvider: 'azureactivedirectory'", functionApp);
        Assert.Contains("ElasticPremium", functionApp);
    }

    [Fact]
    public async Task Role_assignments_are_the_least_the_durable_backend_and_the_app_need()
    {
        var roles = Repository.Read("infra/modules/roles.bicep");
        foreach (var id in new[] { "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "4633458b-17de-408a-b874-0445c86b69e6", "3913510d-42f4-4e42-8a64-420c390055eb", "7f951dda-4ed3-4680-a7ca-43fe172d538d" })
            Assert.Contains(id, roles);
        // No broad roles: Owner, Contributor, Storage Account Contributor.
        foreach (var broad in new[] { "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c", "17d1049b-9a84-46fb-8f53-869881c3d3ab" })
            Assert.DoesNotContain(broad, roles);
        var assignments = Resources(await Template.Value).Count(r => r["type"]!.GetValue<string>() == "Microsoft.Authorization/roleAssignments");
        Assert.Equal(7, assignments);
    }

    [Fact]
    public void The_entra_app_roles_are_exactly_the_roles_the_code_enforces()
    {
        var manifest = JsonNode.Parse(Repository.Read("infra/entra/app-roles.json"))!.AsArray();

        Assert.Equal(NotebookRoles.All.Order(), manifest.Select(r => r!["value"]!.GetValue<string>()).Order());
        Assert.All(manifest, r => Assert.True(Guid.TryParse(r!["id"]!.GetValue<string>(), out _)));
        Assert.Equal(3, manifest.Select(r => r!["id"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public void The_app_names_its_runs_claims_with_the_task_hub_host_json_gives_the_functions_host()
    {
        var hostJson = JsonNode.Parse(Repository.Read("host.json"))!;
        var configured = new ConfigurationBuilder().Build();
        var overridden = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = "OtherHub" }).Build();

        Assert.Equal(hostJson["extensions"]!["durableTask"]!["hubName"]!.GetValue<string>(), NotebookFunctions.FunctionApp.FunctionsTaskHub.Name(configured));
        Assert.Equal("OtherHub", NotebookFunctions.FunctionApp.FunctionsTaskHub.Name(overridden));
    }
}
