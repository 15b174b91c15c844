namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// Which of a run's blobs callers may download: merged results, the manifest, each chunk's executed notebook, and the
/// reduce's record (its executed notebook, scraps and files: the final results), and the same of each pipeline step.
/// Plans, requests, claims and markers are the engine's own. A path is checked segment by segment, so nothing outside
/// the run's prefix can be named and a download never writes outside the folder it goes to.
/// </summary>
public static class RunFiles
{
    public static bool IsShared(string path)
    {
        if (path == "manifest.json") return true;
        var segments = path.Split('/');
        if (segments.Any(s => s.Length is 0 or > 255 || s is "." or ".." || s.Any(c => char.IsControl(c) || c == '\\'))) return false;
        // A pipeline step's record has a run's shape, one level down.
        if (segments is ["steps", var step, _, ..]) return step.Length <= 63 && segments[2] != "steps" && IsShared(string.Join('/', segments[2..]));
        if (segments is ["chunks", var index, "output.ipynb"]) return index.Length <= 7 && index.All(char.IsAsciiDigit);
        if (segments is ["reduce", "output.ipynb" or "scraps.json"]) return true;
        if (segments.Length is >= 3 and <= 17 && segments[0] == "reduce" && segments[1] == "files") return true;
        return segments.Length is >= 2 and <= 16 && segments[0] == "results";
    }
}
