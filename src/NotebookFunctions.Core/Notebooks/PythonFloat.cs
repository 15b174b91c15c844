using System.Globalization;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>Formats a double as Python's <c>repr(float)</c>: shortest round-trip digits, fixed between 1e-4 and 1e16.</summary>
public static class PythonFloat
{
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "Infinity";
        if (double.IsNegativeInfinity(value)) return "-Infinity";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";

        // "E16" is not shortest; "R" is shortest but picks its own notation. Take R's digits, then lay them out as Python does.
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var ePos = r.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            exponent = int.Parse(r.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..ePos];
        }

        var dot = r.IndexOf('.');
        var digits = dot < 0 ? r : r.Remove(dot, 1);
        var pointPos = (dot < 0 ? r.Length : dot) + exponent;
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        pointPos -= lead;
        if (digits.Length == 0) digits = "0";

        var decimalExponent = pointPos - 1;
        string body;
        if (decimalExponent < -4 || decimalExponent >= 16)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            var sign = decimalExponent < 0 ? "-" : "+";
            body = mantissa + "e" + sign + Math.Abs(decimalExponent).ToString("00", CultureInfo.InvariantCulture);
        }
        else if (pointPos <= 0)
        {
            body = "0." + new string('0', -pointPos) + digits;
        }
        else if (pointPos >= digits.Length)
        {
            body = digits + new string('0', pointPos - digits.Length) + ".0";
        }
        else
        {
            body = digits[..pointPos] + "." + digits[pointPos..];
        }

        return value < 0 ? "-" + body : body;
    }
}
