using System.Globalization;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Api.Tests;

/// <summary>
/// Just enough of a CSS reader to ask the shipped stylesheets which colour a rule gives: rules, their selector lists,
/// their declarations (the last wins, as in the cascade), custom properties from :root resolved, hex colours parsed.
/// </summary>
internal sealed partial class StyleSheet
{
    private readonly List<(string[] Selectors, Dictionary<string, string> Declarations)> _rules;

    private StyleSheet(List<(string[] Selectors, Dictionary<string, string> Declarations)> rules) => _rules = rules;

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();

    // Innermost blocks only: a rule inside @media is read as a rule, the @media prelude is left behind.
    [GeneratedRegex(@"(?<selectors>[^{}]+)\{(?<body>[^{}]*)\}")]
    private static partial Regex Rule();

    [GeneratedRegex(@"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")]
    private static partial Regex Hex();

    [GeneratedRegex(@"var\((--[\w-]+)\)")]
    private static partial Regex Variable();

    /// <summary>A stylesheet embedded in the Api assembly, as the app serves it.</summary>
    public static StyleSheet Embedded(string resource)
    {
        using var stream = typeof(Web.WebApp).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the Api assembly embeds no {resource}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    public static StyleSheet Parse(string css)
    {
        var rules = new List<(string[], Dictionary<string, string>)>();
        foreach (Match rule in Rule().Matches(Comment().Replace(css, string.Empty)))
        {
            var selectors = rule.Groups["selectors"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var declarations = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var declaration in rule.Groups["body"].Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = declaration.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0) declarations[declaration[..colon].Trim()] = declaration[(colon + 1)..].Trim();
            }

            rules.Add((selectors, declarations));
        }

        return new StyleSheet(rules);
    }

    /// <summary>Every selector that sets this property (in rules of any selector list), in order.</summary>
    public IEnumerable<string> SelectorsSetting(string property) =>
        _rules.Where(r => r.Declarations.ContainsKey(property)).SelectMany(r => r.Selectors).Distinct();

    /// <summary>The colour the last rule naming exactly this selector gives the property (a shorthand's colour: background, outline).</summary>
    public string Colour(string selector, string property)
    {
        var value = _rules.LastOrDefault(r => r.Selectors.Contains(selector) && r.Declarations.ContainsKey(property)).Declarations?[property]
            ?? throw new InvalidOperationException($"no rule for '{selector}' sets {property}");
        value = Variable().Replace(value, m => Colour(":root", m.Groups[1].Value));
        return Hex().Match(value) is { Success: true } hex ? hex.Value : throw new InvalidOperationException($"'{selector}' {{ {property}: {value} }} holds no hex colour");
    }

    /// <summary>The WCAG 2 contrast ratio of two hex colours (1 to 21).</summary>
    public static double Contrast(string first, string second)
    {
        var (a, b) = (Luminance(first), Luminance(second));
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }

    private static double Luminance(string hex)
    {
        var digits = hex.TrimStart('#');
        if (digits.Length == 3) digits = string.Concat(digits.Select(c => new string(c, 2)));
        double Channel(int at)
        {
            var c = int.Parse(digits.AsSpan(at, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel(0)) + (0.7152 * Channel(2)) + (0.0722 * Channel(4));
    }
}
