using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace NotebookFunctions.Deployment.Tests;

/// <summary>azure.yaml, the Dockerfile, the workflows and the kernel package list agree with the repository and each other.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ToolingTests
{
    private static YamlMappingNode Yaml(string relative)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Repository.Read(relative)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Scalar(YamlNode node, params string[] path)
    {
        foreach (var key in path) node = ((YamlMappingNode)node)[key];
        return ((YamlScalarNode)node).Value!;
    }

    [Fact]
    public void Azure_yaml_points_at_infra_and_hook_scripts_that_exist_and_use_outputs_main_bicep_has()
    {
        var azure = Yaml("azure.yaml");
        Assert.Equal("bicep", Scalar(azure, "infra", "provider"));
        Assert.True(File.Exists(Repository.PathOf(Path.Combine(Scalar(azure, "infra", "path"), Scalar(azure, "infra", "module") + ".bicep"))));
        var main = Repository.Read("infra/main.bicep");
        var hooks = new[] { "preprovision", "postprovision" }.Select(hook => Scalar(azure, "hooks", hook, "posix", "run")).ToList();
        // A hook may run steps of its own, each a script beside it ("$here/step.sh").
        var steps = hooks.SelectMany(hook => Regex.Matches(Repository.Read(hook), @"""\$here/(?<step>[\w-]+\.sh)""").Select(m => $"{Path.GetDirectoryName(hook)}/{m.Groups["step"].Value}")).ToList();
        foreach (var script in hooks.Concat(steps))
        {
            Assert.True(File.Exists(Repository.PathOf(script)), script);
            Assert.True((File.GetUnixFileMode(Repository.PathOf(script)) & UnixFileMode.UserExecute) != 0, $"{script} is not executable");
            foreach (Match output in Regex.Matches(Repository.Read(script), @"\$\{?(AZURE_[A-Z_]+|API_URL)\}?"))
            {
                var name = output.Groups[1].Value;
                if (name is "AZURE_ENV_NAME") continue;
                Assert.True(main.Contains($"output {name} ", StringComparison.Ordinal), $"{script} uses {name}, which infra/main.bicep does not output");
            }
        }

        var parameters = Repository.Read("infra/main.parameters.json");
        Assert.Contains("${API_CLIENT_ID}", parameters);
        Assert.Contains("azd env set API_CLIENT_ID", Repository.Read("infra/scripts/entra-app.sh"));
        Assert.Contains("azd env set SERVICE_API_IMAGE_NAME", Repository.Read("infra/scripts/deploy-image.sh"));
        // After provisioning: browser sign-in on the registration (it needs the host), then the image.
        Assert.Equal(new[] { "infra/scripts/entra-sign-in.sh", "infra/scripts/deploy-image.sh" }, steps);
        Assert.Contains("${SERVICE_API_IMAGE_NAME}", parameters);
    }

    [Fact]
    public void The_dockerfile_builds_the_app_on_the_functions_image_for_our_dotnet_with_the_one_kernel_list()
    {
        var dockerfile = Repository.Read("Dockerfile");
        var framework = Regex.Match(Repository.Read("Directory.Build.props"), "<TargetFramework>net(?<v>[0-9.]+)</TargetFramework>").Groups["v"].Value;

        Assert.Contains($"FROM mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated{framework}", dockerfile);
        Assert.Contains($"FROM mcr.microsoft.com/dotnet/sdk:{framework} AS build", dockerfile);
        foreach (Match copy in Regex.Matches(dockerfile, @"^COPY (?!--from)(?<sources>.+) \S+$", RegexOptions.Multiline))
        {
            foreach (var source in copy.Groups["sources"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                Assert.True(File.Exists(Repository.PathOf(source)) || Directory.Exists(Repository.PathOf(source)), $"the Dockerfile copies {source}, which does not exist");
        }

        Assert.Contains("src/NotebookFunctions.FunctionApp/NotebookFunctions.FunctionApp.csproj", dockerfile);
        Assert.Contains("pip install --no-cache-dir -r /opt/kernel/requirements.txt", dockerfile);
        Assert.Contains("ipykernel install --prefix /usr/local --name python3", dockerfile);
    }

    [Fact]
    public void The_kernel_packages_come_from_one_list_for_the_image_and_the_local_setup()
    {
        var lines = Repository.Read("kernel/requirements.txt").Split('\n').Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToList();

        Assert.Contains(lines, l => l.StartsWith("ipykernel==", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches(@"^[A-Za-z0-9_.-]+==[0-9][^ ]*\s+# debian: python3-[a-z0-9-]+$", l));
        Assert.Contains("kernel/requirements.txt", Repository.Read("scripts/setup.sh"));
        Assert.Contains("COPY kernel/requirements.txt", Repository.Read("Dockerfile"));
        Assert.DoesNotContain("python3-pandas", Repository.Read("scripts/setup.sh"));
    }

    [Fact]
    public void Workflows_run_ci_as_ci_does_deploy_with_oidc_and_publish_with_nbf()
    {
        var ci = Repository.Read(".github/workflows/ci.yml");
        Assert.Contains("run: .ci/run", ci);
        Assert.Contains("scripts/test.sh", Repository.Read(".ci/run"));

        foreach (var name in new[] { "deploy.yml", "publish-notebooks.yml" })
        {
            var workflow = Yaml($".github/workflows/{name}");
            Assert.Equal("write", Scalar(workflow, "permissions", "id-token"));
            var text = Repository.Read($".github/workflows/{name}");
            Assert.DoesNotContain("${{ secrets.", text);
            Assert.Contains("azure/login@v2", text);
        }

        Assert.Contains("tags:", Repository.Read(".github/workflows/deploy.yml"));
        Assert.Contains("azd provision", Repository.Read(".github/workflows/deploy.yml"));
        var publish = Repository.Read(".github/workflows/publish-notebooks.yml");
        Assert.Contains("./nbf publish", publish);
        // Tested before published: a failing notebook stops the job ahead of the publish step.
        Assert.True(publish.IndexOf("./nbf test", StringComparison.Ordinal) is > 0 and var test && test < publish.IndexOf("./nbf publish", StringComparison.Ordinal));
        Assert.Contains("--api \"$API_URL\"", publish);
        Assert.Contains("NBF_API_TOKEN", publish);
        Assert.Contains("NBF_API_TOKEN", Repository.Read("src/NotebookFunctions.Cli/Remote/ApiConnection.cs"));
        Assert.Contains("NBF_FUNCTION_KEY", Repository.Read("src/NotebookFunctions.Cli/Remote/ApiConnection.cs"));
    }
}
