using NotebookFunctions.Core.Kernels;

namespace NotebookFunctions.Core.Tests.Kernels;

public sealed class KernelSpecFinderTests
{
    private static string MakeDataPath(string name, string kernelJson)
    {
        var root = Directory.CreateTempSubdirectory("nbf-jupyter-").FullName;
        var dir = Directory.CreateDirectory(Path.Combine(root, "kernels", name)).FullName;
        File.WriteAllText(Path.Combine(dir, "kernel.json"), kernelJson);
        return root;
    }

    [Fact]
    public void The_Debian_python3_kernel_is_found_with_an_absolute_interpreter()
    {
        var spec = new KernelSpecFinder().Find(null);

        Assert.Equal("python3", spec.Name);
        Assert.Equal("python", spec.Language);
        Assert.True(Path.IsPathRooted(spec.Argv[0]), spec.Argv[0]);
        Assert.True(spec.IsIPython);
    }

    [Fact]
    public void Kernels_in_a_JUPYTER_PATH_folder_are_found_by_name_and_come_first()
    {
        var path = MakeDataPath("Custom-Py", """{"argv": ["python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "Custom", "language": "python", "env": {"A": "1"}, "interrupt_mode": "message"}""");
        var shadow = MakeDataPath("python3", """{"argv": ["/opt/other/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "Shadow", "language": "python"}""");
        var finder = new KernelSpecFinder([path, shadow, "/usr/share/jupyter"]);

        var custom = finder.Find("custom-py");
        Assert.Equal(("Custom", "1", "message"), (custom.DisplayName, custom.Env["A"], custom.InterruptMode));
        Assert.Equal("Shadow", finder.Find("python3").DisplayName);
    }

    [Fact]
    public void JUPYTER_PATH_entries_lead_the_search_path()
    {
        var before = Environment.GetEnvironmentVariable("JUPYTER_PATH");
        try
        {
            Environment.SetEnvironmentVariable("JUPYTER_PATH", $"/first/path{Path.PathSeparator}/second/path");
            var paths = KernelSpecFinder.JupyterDataPaths();
            Assert.Equal(["/first/path", "/second/path"], paths.Take(2));
            Assert.Contains("/usr/share/jupyter", paths);
        }
        finally
        {
            Environment.SetEnvironmentVariable("JUPYTER_PATH", before);
        }
    }

    [Fact]
    public void A_missing_kernel_names_what_is_installed_and_where_it_looked()
    {
        var e = Assert.Throws<KernelStartException>(() => new KernelSpecFinder(["/nonexistent"]).Find("julia"));
        Assert.Contains("no kernel named 'julia' is installed (installed: none; searched /nonexistent/kernels)", e.Message);
    }
}
