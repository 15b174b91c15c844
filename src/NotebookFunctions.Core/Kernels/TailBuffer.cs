using System.Text;

namespace NotebookFunctions.Core.Kernels;

/// <summary>Keeps the last lines written to a stream, bounded in count and size, for error reports.</summary>
internal sealed class TailBuffer
{
    private readonly Queue<string> _lines = new();
    private readonly int _maxLines;
    private readonly int _maxChars;
    private int _chars;

    public TailBuffer(int maxLines = 200, int maxChars = 32 * 1024)
    {
        _maxLines = maxLines;
        _maxChars = maxChars;
    }

    public void Add(string line)
    {
        if (line.Length > _maxChars) line = line[..(_maxChars / 2)] + " …";
        lock (_lines)
        {
            _lines.Enqueue(line);
            _chars += line.Length;
            while (_lines.Count > _maxLines || _chars > _maxChars)
                _chars -= _lines.Dequeue().Length;
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            var sb = new StringBuilder();
            foreach (var line in _lines) sb.Append(line).Append('\n');
            return sb.ToString();
        }
    }
}
