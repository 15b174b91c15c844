using System.Text;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Kernels;

namespace NotebookFunctions.Core.Tests.Kernels;

public sealed class WireFormatTests
{
    private static readonly MessageSigner Signer = new("secret-key");

    [Fact]
    public void A_signed_message_reads_back_after_routing_frames()
    {
        var message = JupyterMessage.Create("execute_request", "session-1", new JsonObject { ["code"] = "1+1" });
        var frames = WireFormat.Serialize(message, Signer);
        frames.InsertRange(0, [Encoding.ASCII.GetBytes("identity-a"), Encoding.ASCII.GetBytes("identity-b")]);

        var parsed = WireFormat.Deserialize(frames, Signer);

        Assert.Equal(message.MsgId, parsed.MsgId);
        Assert.Equal("execute_request", parsed.MsgType);
        Assert.Equal("1+1", parsed.Content["code"]!.GetValue<string>());
        Assert.Equal("5.3", parsed.Header["version"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", parsed.Date!);
    }

    [Fact]
    public void A_tampered_content_frame_is_rejected()
    {
        var frames = WireFormat.Serialize(JupyterMessage.Create("execute_request", "s", new JsonObject { ["code"] = "1" }), Signer);
        frames[5] = Encoding.UTF8.GetBytes("{\"code\":\"import os; os.system('rm -rf /')\"}");

        var e = Assert.Throws<InvalidDataException>(() => WireFormat.Deserialize(frames, Signer));
        Assert.Contains("signature", e.Message);
    }

    [Fact]
    public void A_message_signed_with_another_key_is_rejected()
    {
        var frames = WireFormat.Serialize(JupyterMessage.Create("status", "s", new JsonObject()), new MessageSigner("other-key"));
        Assert.Throws<InvalidDataException>(() => WireFormat.Deserialize(frames, Signer));
    }

    [Fact]
    public void Signatures_are_HMAC_SHA256_over_the_four_frames_as_jupyter_client_computes_them()
    {
        // Computed with Python: hmac.new(b'secret-key', digestmod=hashlib.sha256), update(h), update(p), update(m), update(c).
        var sig = Signer.Sign("{\"a\":1}"u8, "{}"u8, "{}"u8, "{\"b\":2}"u8);
        Assert.Equal("ae76aeefcff0c221ecc815b72f45810b47290f404ee280ab6c161755f7ddc94b", sig);
        Assert.True(Signer.Verify(Encoding.ASCII.GetBytes(sig), "{\"a\":1}"u8, "{}"u8, "{}"u8, "{\"b\":2}"u8));
        Assert.True(Signer.Verify(Encoding.ASCII.GetBytes(sig.ToUpperInvariant()), "{\"a\":1}"u8, "{}"u8, "{}"u8, "{\"b\":2}"u8));
    }

    [Fact]
    public void Frames_without_a_delimiter_are_not_a_message() =>
        Assert.Throws<InvalidDataException>(() => WireFormat.Deserialize([Encoding.ASCII.GetBytes("junk")], Signer));
}
