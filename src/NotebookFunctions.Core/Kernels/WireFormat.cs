using System.Text;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Kernels;

/// <summary>Turns messages into ZeroMQ frames and back: identities, &lt;IDS|MSG&gt;, signature, four JSON frames, buffers.</summary>
public static class WireFormat
{
    private static readonly byte[] Delimiter = "<IDS|MSG>"u8.ToArray();

    /// <summary>Frames to send, after any routing identities.</summary>
    public static List<byte[]> Serialize(JupyterMessage message, MessageSigner signer)
    {
        var header = Encoding.UTF8.GetBytes(message.Header.ToJsonString());
        var parent = Encoding.UTF8.GetBytes(message.ParentHeader.ToJsonString());
        var metadata = Encoding.UTF8.GetBytes(message.Metadata.ToJsonString());
        var content = message.ContentBytes.ToArray();
        var signature = Encoding.ASCII.GetBytes(signer.Sign(header, parent, metadata, content));
        var frames = new List<byte[]> { Delimiter, signature, header, parent, metadata, content };
        frames.AddRange(message.Buffers);
        return frames;
    }

    /// <summary>Parses received frames; the delimiter is searched for, since iopub has a topic frame and replies may carry several identities.</summary>
    /// <exception cref="InvalidDataException">The frames are not a Jupyter message, or the signature does not match.</exception>
    public static JupyterMessage Deserialize(IReadOnlyList<byte[]> frames, MessageSigner signer)
    {
        var d = -1;
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames[i].AsSpan().SequenceEqual(Delimiter))
            {
                d = i;
                break;
            }
        }

        if (d < 0 || frames.Count < d + 6)
            throw new InvalidDataException($"not a Jupyter message: {frames.Count} frames, delimiter at {d}");
        var signature = frames[d + 1];
        var header = frames[d + 2];
        var parent = frames[d + 3];
        var metadata = frames[d + 4];
        var content = frames[d + 5];
        if (!signer.Verify(signature, header, parent, metadata, content))
            throw new InvalidDataException("message signature does not match the connection key");
        var buffers = frames.Skip(d + 6).ToList();
        return new JupyterMessage(
            ParseObject(header),
            ParseObject(parent),
            ParseObject(metadata),
            content,
            buffers);
    }

    private static JsonObject ParseObject(byte[] json) =>
        json.Length == 0 ? new JsonObject() : JsonNode.Parse(json) as JsonObject ?? new JsonObject();
}
