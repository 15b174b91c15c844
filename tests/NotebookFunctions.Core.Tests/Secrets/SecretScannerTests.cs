using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Secrets;

namespace NotebookFunctions.Core.Tests.Secrets;

/// <summary>Each credential shape is found where it is (cell, line, part) and masked; ordinary notebooks are not flagged.</summary>
public sealed class SecretScannerTests
{
    // Samples are assembled at run time so this file is not itself a credential finding for scanners.
    public static TheoryData<string, string, string> Samples() => new()
    {
        { "aws-access-key-id", "key_id = '" + "AKIA" + "IOSFODNN7EXAMPLE'", "AKIAIOSFODNN7EXAMPLE" },
        { "aws-secret-access-key", "aws_secret_access_key = '" + "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY'", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
        { "azure-storage-account-key", "conn = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + new string('Q', 20) + "Zm9vYmFyYmF6cXV4eHl6enk0NTY3ODkwMTI=" + ";EndpointSuffix=core.windows.net'", new string('Q', 20) + "Zm9vYmFyYmF6cXV4eHl6enk0NTY3ODkwMTI=" },
        { "connection-string-password", "dsn = 'Server=db.example.com;Database=sales;User Id=etl;Password=Tr0ub4dor&3x;'", "Tr0ub4dor&3x" },
        { "sas-token", "url = 'https://acct.blob.core.windows.net/c/b.csv?sv=2022-11-02&sr=b&sig=" + "k3JH8sd9fQx0Zl2mN7pR4tV6wY8aB1cD3eF5gH7jK9L%3D" + "'", "k3JH8sd9fQx0Zl2mN7pR4tV6wY8aB1cD3eF5gH7jK9L%3D" },
        { "private-key", "pem = '''-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEow'''", "-----BEGIN RSA PRIVATE KEY-----" },
        { "github-token", "token = 'ghp_" + "0123456789abcdefghijABCDEFGHIJ0123456789" + "'", "ghp_0123456789abcdefghijABCDEFGHIJ0123456789" },
        { "slack-token", "hook = 'xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx" + "'", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx" },
        { "jwt", "bearer = 'eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" },
        { "password-assignment", "db_password = \"" + "q8#Lm2!vZr5@Wx9t" + "\"", "q8#Lm2!vZr5@Wx9t" },
    };

    private static Notebook WithCell(string source) => TestNotebooks.Of("x = 1", "print('hello')\n" + source);

    [Theory]
    [MemberData(nameof(Samples))]
    public void Each_rule_finds_its_sample_in_a_cell_and_masks_the_value(string rule, string line, string secret)
    {
        var finding = Assert.Single(SecretScanner.Scan(WithCell(line)), f => f.Rule == rule);

        Assert.Equal(1, finding.CellIndex);
        Assert.Equal("c1", finding.CellId);
        Assert.Equal(2, finding.Line);
        Assert.Equal("source", finding.Location);
        Assert.DoesNotContain(secret, finding.Masked);
        Assert.DoesNotContain(secret, finding.ToString());
        Assert.StartsWith(secret[..4], finding.Masked);
    }

    [Fact]
    public void Secrets_in_saved_outputs_and_metadata_are_found_too()
    {
        var notebook = TestNotebooks.Of("print(1)");
        notebook.Cells[0].Json["outputs"] = new JsonArray(new JsonObject
        {
            ["output_type"] = "stream",
            ["name"] = "stdout",
            ["text"] = new JsonArray("connecting with AKIA" + "IOSFODNN7EXAMPLE\n"),
        });
        notebook.Metadata["connection"] = "Server=x;Password=" + "S3cr3t!pass;";

        var findings = SecretScanner.Scan(notebook);

        Assert.Contains(findings, f => f.Location == "outputs" && f.Rule == "aws-access-key-id" && f.CellIndex == 0);
        Assert.Contains(findings, f => f.Location == "metadata" && f.Rule == "connection-string-password" && f.CellIndex is null);
    }

    [Fact]
    public void A_reviewed_line_is_allowed_by_its_marker_and_placeholders_are_not_flagged()
    {
        var allowed = WithCell("key_id = 'AKIA" + "IOSFODNN7EXAMPLE'  # nbf: allow-secret (AWS documentation example)");
        var placeholders = WithCell("password = 'changeme'\napi_key = os.environ['API_KEY']\nsecret = get_secret('db')\npassword = '<your-password-here>'");

        Assert.Empty(SecretScanner.Scan(allowed));
        Assert.Empty(SecretScanner.Scan(placeholders));
    }

    [Fact]
    public void No_notebook_in_this_repository_is_flagged()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "NotebookFunctions.sln"))) root = Path.GetDirectoryName(root)!;
        var notebooks = Directory.EnumerateFiles(root, "*.ipynb", SearchOption.AllDirectories)
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal) && !p.Contains("/.tools/", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(notebooks);
        foreach (var path in notebooks)
        {
            Notebook notebook;
            try
            {
                notebook = NotebookReader.Read(path);
            }
            catch (NotebookFormatException)
            {
                continue; // fixtures of broken notebooks
            }

            Assert.True(SecretScanner.Scan(notebook).Count == 0, $"{path}: {string.Join("; ", SecretScanner.Scan(notebook))}");
        }
    }
}
