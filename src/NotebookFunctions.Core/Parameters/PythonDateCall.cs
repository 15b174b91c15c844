using System.Globalization;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Parameters;

/// <summary>
/// A default written as a call that builds a date or datetime from literal integers (<c>date(2026, 1, 1)</c>,
/// <c>datetime.date(...)</c>, <c>datetime(2026, 1, 1, 12, 0)</c>, <c>datetime.datetime(...)</c>): its type and the ISO
/// 8601 text Python's <c>isoformat()</c> gives it, so a form offers a date picker filled with it. Any other argument
/// (a name, a keyword, a time zone) is something only the kernel can evaluate, and the default stays unknown.
/// </summary>
public sealed partial record PythonDateCall(string TypeName, string Iso)
{
    // Positional arguments only; a Python int literal has no leading zero (01 is a syntax error) but may have underscores.
    [GeneratedRegex(@"^(?<callee>(?:datetime\.)?(?:date|datetime))\s*\(\s*(?<args>(?:0|[1-9](?:_?\d)*)(?:\s*,\s*(?:0|[1-9](?:_?\d)*))*)\s*,?\s*\)$")]
    private static partial Regex Call();

    /// <summary>The date or datetime the text builds, or null when it is not such a call of literal integers making a valid one.</summary>
    public static PythonDateCall? Read(string text)
    {
        var match = Call().Match(text.Trim());
        if (!match.Success) return null;
        var isDate = match.Groups["callee"].Value.EndsWith("date", StringComparison.Ordinal);
        var numbers = new List<int>();
        foreach (var arg in match.Groups["args"].Value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(arg.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return null;
            numbers.Add(number);
        }

        // date(year, month, day); datetime(year, month, day[, hour[, minute[, second[, microsecond]]]]).
        if (isDate ? numbers.Count != 3 : numbers.Count is < 3 or > 7) return null;
        while (numbers.Count < 7) numbers.Add(0);
        var (year, month, day, hour, minute, second, microsecond) = (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5], numbers[6]);
        // What Python would refuse (ValueError) is not a date to offer.
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59 || microsecond > 999_999)
            return null;

        if (isDate) return new PythonDateCall("date", new DateOnly(year, month, day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var moment = new DateTime(year, month, day, hour, minute, second).AddTicks(microsecond * 10L);
        // isoformat(): microseconds only when there are any.
        var format = microsecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.ffffff";
        return new PythonDateCall("datetime", moment.ToString(format, CultureInfo.InvariantCulture));
    }
}
