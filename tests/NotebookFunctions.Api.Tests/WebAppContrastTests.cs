namespace NotebookFunctions.Api.Tests;

/// <summary>
/// The shipped stylesheets keep WCAG AA contrast: text at least 4.5:1 on what it sits on, focus rings at least 3:1
/// against the page around them, every ANSI colour of a traceback readable on each background output is shown on.
/// </summary>
public sealed class WebAppContrastTests
{
    private const double Text = 4.5;
    private const double NonText = 3.0;

    private static readonly StyleSheet App = StyleSheet.Embedded("NotebookFunctions.Api.Web.app.app.css");
    private static readonly StyleSheet Notebook = StyleSheet.Embedded("NotebookFunctions.Api.Web.notebook.css");

    private static string Below(string what, string foreground, string background, double minimum)
    {
        var ratio = StyleSheet.Contrast(foreground, background);
        return ratio >= minimum ? string.Empty : $"{what}: {foreground} on {background} is {ratio:0.00}:1, under {minimum}:1";
    }

    [Fact]
    public void The_web_app_s_text_badges_buttons_and_focus_rings_are_readable()
    {
        var page = App.Colour(":root", "background");
        var text = App.Colour(":root", "color");
        var pairs = new List<(string What, string Foreground, string Background, double Minimum)>
        {
            ("body text", text, page, Text),
            ("muted text", App.Colour(".muted", "color"), page, Text),
            ("muted text in a table header", App.Colour(".muted", "color"), App.Colour("th", "background"), Text),
            ("links", App.Colour("a", "color"), page, Text),
            ("field help", App.Colour(".field .help", "color"), page, Text),
            ("errors", App.Colour(".error", "color"), page, Text),
            ("placeholders (the API's defaults in the run form)", App.Colour("::placeholder", "color"), App.Colour("input", "background"), Text),
            ("typed text", App.Colour("input", "color"), App.Colour("input", "background"), Text),
            ("buttons", App.Colour("button", "color"), App.Colour("button", "background"), Text),
            ("secondary buttons", App.Colour("button.secondary", "color"), App.Colour("button.secondary", "background"), Text),
            ("danger buttons", App.Colour("button", "color"), App.Colour("button.danger", "background"), Text),
            ("header links", App.Colour(".top a", "color"), App.Colour(".top", "background"), Text),
            ("who is signed in", App.Colour(".who", "color"), App.Colour(".top", "background"), Text),
            ("focus ring on the page", App.Colour("a:focus-visible", "outline"), page, NonText),
            ("focus ring on a table header", App.Colour("a:focus-visible", "outline"), App.Colour("th", "background"), NonText),
            ("focus ring in the header", App.Colour(".top a:focus-visible", "outline-color"), App.Colour(".top", "background"), NonText),
            ("input borders", App.Colour("input", "border"), page, NonText),
        };
        // Every banner, status badge and chunk state, including ones added later.
        var badges = App.SelectorsSetting("color").Where(s => s.StartsWith(".banner.", StringComparison.Ordinal) || s.StartsWith(".status", StringComparison.Ordinal) || s.StartsWith(".chunk", StringComparison.Ordinal)).ToList();
        pairs.AddRange(badges.Select(s => (s, App.Colour(s, "color"), App.Colour(s, "background"), Text)));

        var failures = pairs.Select(p => Below(p.What, p.Foreground, p.Background, p.Minimum)).Where(f => f.Length > 0).ToList();

        Assert.Contains(".chunk.failed", badges);
        Assert.Contains(".chunk.waiting", badges);
        Assert.Contains(".status.Failed", badges);
        Assert.Empty(failures);
    }

    [Fact]
    public void An_executed_notebook_s_text_and_every_ANSI_colour_are_readable_wherever_output_is_shown()
    {
        var page = Notebook.Colour(":root", "background");
        var text = Notebook.Colour(":root", "color");
        var backgrounds = new Dictionary<string, string>
        {
            ["the page"] = page,
            ["code output"] = Notebook.Colour("pre", "background"),
            ["stderr"] = Notebook.Colour(".nb-stderr", "background"),
            ["a traceback"] = Notebook.Colour(".nb-traceback", "background"),
            ["a failed cell"] = Notebook.Colour(".nb-failed", "background"),
        };
        var pairs = new List<(string What, string Foreground, string Background, double Minimum)>
        {
            ("header text", Notebook.Colour("header p", "color"), page, Text),
            ("folded source", Notebook.Colour(".nb-source summary", "color"), page, Text),
            ("the error banner", Notebook.Colour(".nb-error-banner", "color"), Notebook.Colour(".nb-error-banner", "background"), Text),
            ("the error banner's link", Notebook.Colour(".nb-error-banner a", "color"), Notebook.Colour(".nb-error-banner", "background"), Text),
        };
        pairs.AddRange(backgrounds.Select(b => ($"text on {b.Key}", text, b.Value, Text)));
        var foregrounds = Notebook.SelectorsSetting("color").Where(s => s.StartsWith(".ansi-", StringComparison.Ordinal) && s.EndsWith("-fg", StringComparison.Ordinal)).ToList();
        pairs.AddRange(foregrounds.SelectMany(s => backgrounds.Select(b => ($"{s} on {b.Key}", Notebook.Colour(s, "color"), b.Value, Text))));
        var ansiBackgrounds = Notebook.SelectorsSetting("background").Where(s => s.StartsWith(".ansi-", StringComparison.Ordinal)).ToList();
        pairs.AddRange(ansiBackgrounds.Select(s => ($"text on {s}", text, Notebook.Colour(s, "background"), Text)));

        var failures = pairs.Select(p => Below(p.What, p.Foreground, p.Background, p.Minimum)).Where(f => f.Length > 0).ToList();

        Assert.Equal(16, foregrounds.Count);
        Assert.Equal(4, ansiBackgrounds.Count);
        Assert.Empty(failures);
    }
}
