using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Kernels;

/// <summary>One Jupyter protocol message. The content stays as raw bytes until asked for, so a huge output can be cut before it is parsed.</summary>
public sealed class JupyterMessage
{
    /// <summary>Protocol version this client speaks.</summary>
    public const string ProtocolVersion = "5.3";

    private JsonObject? _content;

    public JupyterMessage(JsonObject header, JsonObject parentHeader, JsonObject metadata, ReadOnlyMemory<byte> contentBytes, IReadOnlyList<byte[]>? buffers = null)
    {
        Header = header;
        ParentHeader = parentHeader;
        Metadata = metadata;
        ContentBytes = contentBytes;
        Buffers = buffers ?? [];
    }

    public JsonObject Header { get; }

    public JsonObject ParentHeader { get; }

    public JsonObject Metadata { get; }

    /// <summary>The content frame as received (UTF-8 JSON).</summary>
    public ReadOnlyMemory<byte> ContentBytes { get; }

    public IReadOnlyList<byte[]> Buffers { get; }

    /// <summary>The parsed content; parsing is deferred to the first call.</summary>
    public JsonObject Content => _content ??= JsonNode.Parse(ContentBytes.Span) as JsonObject ?? new JsonObject();

    public string MsgType => Header["msg_type"]?.GetValue<string>() ?? string.Empty;

    public string MsgId => Header["msg_id"]?.GetValue<string>() ?? string.Empty;

    public string? ParentMsgId => ParentHeader["msg_id"] is JsonValue v ? v.GetValue<string>() : null;

    /// <summary>The header's date as sent, or null; used for nbclient's timing keys.</summary>
    public string? Date => Header["date"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>Builds a request with a fresh msg_id.</summary>
    public static JupyterMessage Create(string msgType, string session, JsonObject content, JupyterMessage? parent = null)
    {
        var header = new JsonObject
        {
            ["msg_id"] = Guid.NewGuid().ToString("N"),
            ["session"] = session,
            ["username"] = "nbf",
            ["date"] = FormatDate(DateTimeOffset.UtcNow),
            ["msg_type"] = msgType,
            ["version"] = ProtocolVersion,
        };
        var parentHeader = parent is null ? new JsonObject() : (JsonObject)parent.Header.DeepClone();
        var bytes = Encoding.UTF8.GetBytes(content.ToJsonString());
        var message = new JupyterMessage(header, parentHeader, new JsonObject(), bytes) { _content = content };
        return message;
    }

    /// <summary>Dates go out with microseconds and a Z: naive timestamps make jupyter_client warn.</summary>
    public static string FormatDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
