using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Execution;

/// <summary>
/// Turns iopub messages into cell outputs the way Jupyter frontends and nbclient do: streams merged, display ids
/// updated across cells, clear_output(wait=True) deferred to the next output, execute_result with its count.
/// Keeps output within per-cell and per-notebook byte budgets, counting what it drops.
/// </summary>
internal sealed class OutputRecorder
{
    private readonly Notebook _notebook;
    private readonly long _maxCellBytes;
    private readonly long _maxNotebookBytes;
    private readonly IExecutionObserver? _observer;
    private readonly Dictionary<string, List<(int Cell, JsonObject Output)>> _displays = new(StringComparer.Ordinal);
    private readonly List<Entry> _entries = [];
    private long _notebookBytes;
    private long _cellBytes;
    private bool _clearBeforeNextOutput;
    private int _cellIndex = -1;

    public OutputRecorder(Notebook notebook, long maxCellBytes, long maxNotebookBytes, IExecutionObserver? observer)
    {
        _notebook = notebook;
        _maxCellBytes = maxCellBytes;
        _maxNotebookBytes = maxNotebookBytes;
        _observer = observer;
    }

    public int? ExecutionCount { get; private set; }

    public long DroppedBytes { get; private set; }

    public JsonObject Timing { get; private set; } = new();

    private Cell Current => _notebook.Cells[_cellIndex];

    public void BeginCell(int cellIndex)
    {
        _cellIndex = cellIndex;
        _entries.Clear();
        _cellBytes = 0;
        _clearBeforeNextOutput = false;
        ExecutionCount = null;
        DroppedBytes = 0;
        Timing = new JsonObject();
        Current.Metadata["execution"] = Timing;
    }

    public void Handle(JupyterMessage message)
    {
        switch (message.MsgType)
        {
            case "status":
                var state = message.Content["execution_state"]?.GetValue<string>();
                if (state == "busy") Timing["iopub.status.busy"] = Timestamp(message);
                else if (state == "idle") Timing["iopub.status.idle"] = Timestamp(message);
                break;
            case "execute_input":
                Timing["iopub.execute_input"] = Timestamp(message);
                ExecutionCount = ReadCount(message.Content);
                break;
            case "stream":
                OnStream(message);
                break;
            case "display_data" or "execute_result" or "update_display_data":
                OnDisplay(message);
                break;
            case "error":
                OnError(message);
                break;
            case "clear_output":
                if (message.Content["wait"]?.GetValue<bool>() == true) _clearBeforeNextOutput = true;
                else ClearNow();
                break;
        }
    }

    public void OnReply(JupyterMessage reply)
    {
        Timing["shell.execute_reply"] = Timestamp(reply);
        ExecutionCount ??= ReadCount(reply.Content);
    }

    /// <summary>Adds an output the kernel did not send (a timeout or a dead kernel), outside the budget.</summary>
    public void AddError(string ename, string evalue)
    {
        _entries.Add(new Entry(new JsonObject
        {
            ["output_type"] = "error",
            ["ename"] = ename,
            ["evalue"] = evalue,
            ["traceback"] = new JsonArray(JsonValue.Create($"{ename}: {evalue}")),
        }, null, 0));
    }

    /// <summary>Lays the recorded outputs into the cell, with a note when output was dropped.</summary>
    public void EndCell()
    {
        if (DroppedBytes > 0)
        {
            var limit = _cellBytes >= _maxCellBytes ? $"this cell's limit of {Size(_maxCellBytes)}" : $"the notebook's limit of {Size(_maxNotebookBytes)}";
            var note = $"\n[nbf: output truncated: {Size(DroppedBytes)} more output was dropped to stay within {limit}]\n";
            _entries.Add(new Entry(new JsonObject { ["output_type"] = "stream", ["name"] = "stderr" }, new StringBuilder(note), 0));
        }

        var outputs = Current.Outputs;
        outputs.Clear();
        foreach (var entry in _entries)
        {
            if (entry.Text is not null) entry.Json["text"] = entry.Text.ToString();
            entry.Json.Parent?.AsArray().Remove(entry.Json);
            outputs.Add(entry.Json);
        }

        Current.ExecutionCount = ExecutionCount;
    }

    private void OnStream(JupyterMessage message)
    {
        var budget = Budget();
        var size = message.ContentBytes.Length;
        string name;
        string text;
        if (size <= budget)
        {
            name = message.Content["name"]?.GetValue<string>() ?? "stdout";
            text = message.Content["text"]?.GetValue<string>() ?? string.Empty;
        }
        else
        {
            (name, text, var total) = StreamContentReader.Read(message.ContentBytes.Span, (int)Math.Max(0, Math.Min(budget, int.MaxValue)));
            DroppedBytes += Math.Max(0, total - Encoding.UTF8.GetByteCount(text));
        }

        if (text.Length == 0) return;
        _observer?.StreamOutput(_cellIndex, name, text);
        ApplyDeferredClear();
        var bytes = Encoding.UTF8.GetByteCount(text);
        Charge(bytes);
        if (_entries.Count > 0 && _entries[^1] is { Text: not null } last && last.Json["name"]?.GetValue<string>() == name)
        {
            last.Text.Append(text);
            last.Bytes += bytes;
            return;
        }

        _entries.Add(new Entry(new JsonObject { ["output_type"] = "stream", ["name"] = name }, new StringBuilder(text), bytes));
    }

    private void OnDisplay(JupyterMessage message)
    {
        var size = message.ContentBytes.Length;
        var content = message.Content;
        var displayId = content["transient"]?["display_id"] is JsonValue idv && idv.GetValueKind() == JsonValueKind.String ? idv.GetValue<string>() : null;
        if (displayId is not null) UpdateDisplays(displayId, content);
        if (message.MsgType == "update_display_data") return;

        if (size > Budget())
        {
            DroppedBytes += size;
            return;
        }

        var output = new JsonObject
        {
            ["output_type"] = message.MsgType,
            ["data"] = content["data"]?.DeepClone() ?? new JsonObject(),
            ["metadata"] = content["metadata"]?.DeepClone() ?? new JsonObject(),
        };
        if (message.MsgType == "execute_result") output["execution_count"] = content["execution_count"]?.DeepClone();
        ApplyDeferredClear();
        Charge(size);
        _entries.Add(new Entry(output, null, size));
        if (displayId is not null)
        {
            if (!_displays.TryGetValue(displayId, out var list)) _displays[displayId] = list = [];
            list.Add((_cellIndex, output));
        }
    }

    private void OnError(JupyterMessage message)
    {
        var content = message.Content;
        ApplyDeferredClear();
        _entries.Add(new Entry(new JsonObject
        {
            ["output_type"] = "error",
            ["ename"] = content["ename"]?.DeepClone() ?? string.Empty,
            ["evalue"] = content["evalue"]?.DeepClone() ?? string.Empty,
            ["traceback"] = content["traceback"]?.DeepClone() ?? new JsonArray(),
        }, null, 0));
    }

    private void UpdateDisplays(string displayId, JsonObject content)
    {
        if (!_displays.TryGetValue(displayId, out var targets)) return;
        foreach (var (_, output) in targets)
        {
            output["data"] = content["data"]?.DeepClone() ?? new JsonObject();
            output["metadata"] = content["metadata"]?.DeepClone() ?? new JsonObject();
        }
    }

    private void ApplyDeferredClear()
    {
        if (!_clearBeforeNextOutput) return;
        _clearBeforeNextOutput = false;
        ClearNow();
    }

    private void ClearNow()
    {
        var freed = _entries.Sum(e => e.Bytes);
        _cellBytes -= freed;
        _notebookBytes -= freed;
        _entries.Clear();
        foreach (var list in _displays.Values) list.RemoveAll(t => t.Cell == _cellIndex);
    }

    private long Budget() => Math.Max(0, Math.Min(_maxCellBytes - _cellBytes, _maxNotebookBytes - _notebookBytes));

    private void Charge(long bytes)
    {
        _cellBytes += bytes;
        _notebookBytes += bytes;
    }

    private static int? ReadCount(JsonObject content) => JsonNumbers.AsInt(content["execution_count"]);

    /// <summary>nbclient's timestamp format for the execution metadata keys.</summary>
    private static string Timestamp(JupyterMessage message)
    {
        if (message.Date is { } date && DateTimeOffset.TryParse(date, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
            return JupyterMessage.FormatDate(parsed);
        return JupyterMessage.FormatDate(DateTimeOffset.UtcNow);
    }

    private static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MiB" : bytes >= 1024 ? $"{bytes / 1024.0:0.#} KiB" : $"{bytes} bytes";

    private sealed class Entry(JsonObject json, StringBuilder? text, long bytes)
    {
        public JsonObject Json { get; } = json;

        public StringBuilder? Text { get; } = text;

        public long Bytes { get; set; } = bytes;
    }
}
