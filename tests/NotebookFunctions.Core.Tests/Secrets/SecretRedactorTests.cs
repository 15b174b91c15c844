using System.Text;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Secrets;

namespace NotebookFunctions.Core.Tests.Secrets;

/// <summary>Every form a notebook commonly turns a secret into is masked; nothing else is touched.</summary>
public sealed class SecretRedactorTests
{
    private const string Secret = "p@ss w/rd+\"q\"-42";

    [Theory]
    [InlineData("")]
    [InlineData("u:")]
    [InlineData("user:")]
    [InlineData("Basic x")]
    public void Base64_of_the_secret_is_masked_at_any_alignment_inside_longer_text(string prefix)
    {
        var redactor = SecretRedactor.For([Secret]);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(prefix + Secret + " and more"));
        var urlSafe = encoded.Replace('+', '-').Replace('/', '_');

        var redacted = redactor.Redact($"header {encoded} / {urlSafe}");

        Assert.Contains(SecretRedactor.Mask, redacted);
        // The characters that encode only the secret's bytes, whatever surrounds it.
        var first = (prefix.Length * 8 + 5) / 6;
        var last = (prefix.Length + Secret.Length) * 8 / 6;
        Assert.DoesNotContain(encoded[first..last], redacted);
        Assert.DoesNotContain(urlSafe[first..last], redacted);
    }

    [Fact]
    public void Raw_url_encoded_form_encoded_and_json_escaped_forms_are_masked()
    {
        var redactor = SecretRedactor.For([Secret, "ab"]);
        var text = $"raw {Secret} | url {Uri.EscapeDataString(Secret)} | form {System.Net.WebUtility.UrlEncode(Secret)} | json {System.Text.Json.Nodes.JsonValue.Create(Secret)!.ToJsonString().Replace("\\u0022", "\\\"").Replace("\\u002B", "+")} | keep ab";

        var redacted = redactor.Redact(text);

        Assert.Equal("raw *** | url *** | form *** | json \"***\" | keep ab", redacted);
    }

    [Fact]
    public void Every_string_of_a_notebook_is_redacted_in_a_copy()
    {
        var notebook = TestNotebooks.Of("print(token)");
        notebook.Cells[0].Json["outputs"] = new JsonArray(
            new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray("token " + Secret + "\n") },
            new JsonObject { ["output_type"] = "display_data", ["metadata"] = new JsonObject(), ["data"] = new JsonObject { ["text/html"] = new JsonArray("<i>" + Secret + "</i>"), ["application/json"] = new JsonObject { ["nested"] = new JsonArray(Secret) } } },
            new JsonObject { ["output_type"] = "error", ["ename"] = "ValueError", ["evalue"] = "bad " + Secret, ["traceback"] = new JsonArray("ValueError: bad " + Secret) });

        var redacted = SecretRedactor.For([Secret]).RedactNotebook(notebook).ToText();

        Assert.DoesNotContain(Secret, redacted);
        Assert.Equal(5, redacted.Split(SecretRedactor.Mask).Length - 1);
        Assert.Contains(Secret, notebook.ToText().Replace("\\\"", "\""));
    }

    [Fact]
    public async Task Text_files_are_redacted_and_binary_files_keep_their_length()
    {
        var folder = Directory.CreateTempSubdirectory("nbf-redact-").FullName;
        var text = Path.Combine(folder, "out.csv");
        var binary = Path.Combine(folder, "out.bin");
        await File.WriteAllTextAsync(text, $"a,b\n1,{Secret}\n");
        byte[] bytes = [0xff, 0xfe, 0x00, .. Encoding.UTF8.GetBytes(Secret), 0x80];
        await File.WriteAllBytesAsync(binary, bytes);
        var redactor = SecretRedactor.For([Secret]);

        Assert.True(await redactor.RedactFileAsync(text));
        Assert.True(await redactor.RedactFileAsync(binary));
        Assert.False(await redactor.RedactFileAsync(text));

        Assert.Equal("a,b\n1,***\n", await File.ReadAllTextAsync(text));
        var after = await File.ReadAllBytesAsync(binary);
        Assert.Equal(bytes.Length, after.Length);
        Assert.Equal(new string('*', Secret.Length), Encoding.ASCII.GetString(after, 3, Secret.Length));
    }

    [Fact]
    public async Task Files_too_large_to_hold_are_streamed_and_a_value_across_a_block_boundary_is_still_found()
    {
        var folder = Directory.CreateTempSubdirectory("nbf-redact-large-").FullName;
        var text = Path.Combine(folder, "big.csv");
        var binary = Path.Combine(folder, "big.bin");
        var boundary = SecretRedactor.InMemoryLimit;
        var filler = new string('x', boundary - 5);
        await File.WriteAllTextAsync(text, "head " + Secret + "\n" + filler[("head ".Length + Secret.Length + 1)..] + Secret + " tail " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret)) + "\n");
        var bytes = new byte[boundary + 4096];
        Encoding.UTF8.GetBytes(Secret).CopyTo(bytes, boundary - 3);
        await File.WriteAllBytesAsync(binary, bytes);
        var redactor = SecretRedactor.For([Secret]);

        Assert.True(await redactor.RedactFileAsync(text));
        Assert.True(await redactor.RedactFileAsync(binary));

        var redactedText = await File.ReadAllTextAsync(text);
        Assert.DoesNotContain(Secret, redactedText);
        Assert.StartsWith("head ***\n", redactedText);
        Assert.EndsWith("xxx*** tail ***\n", redactedText);
        var redactedBytes = await File.ReadAllBytesAsync(binary);
        Assert.Equal(bytes.Length, redactedBytes.Length);
        Assert.Equal(new string('*', Secret.Length), Encoding.ASCII.GetString(redactedBytes, boundary - 3, Secret.Length));
        Assert.Empty(Directory.GetFiles(folder, "*.redacting"));
    }

    [Fact]
    public void Values_too_short_to_mask_safely_and_runs_without_secrets_change_nothing()
    {
        Assert.True(SecretRedactor.For(["abc"]).IsEmpty);
        Assert.Equal("abc abc", SecretRedactor.For(["abc"]).Redact("abc abc"));
        Assert.Same(SecretRedactor.None, SecretRedactor.None);
        Assert.Equal("x", SecretRedactor.None.Redact("x"));
    }
}
