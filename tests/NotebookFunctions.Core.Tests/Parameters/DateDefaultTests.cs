using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;

namespace NotebookFunctions.Core.Tests.Parameters;

/// <summary>A default that builds a date from literal integers makes a date parameter, prefilled, as an annotation does.</summary>
public sealed class DateDefaultTests
{
    [Theory]
    [InlineData("start = date(2026, 1, 1)", "date", ParameterKind.Date, "2026-01-01")]
    [InlineData("start = datetime.date(2026, 12, 31)", "date", ParameterKind.Date, "2026-12-31")]
    [InlineData("start = date(2_026, 2, 28,)", "date", ParameterKind.Date, "2026-02-28")]
    [InlineData("start = datetime(2026, 1, 1, 12, 0)", "datetime", ParameterKind.DateTime, "2026-01-01T12:00:00")]
    [InlineData("start = datetime.datetime(2024, 2, 29)", "datetime", ParameterKind.DateTime, "2024-02-29T00:00:00")]
    [InlineData("start = datetime(2026, 3, 4, 5, 6, 7, 8)  # when to begin", "datetime", ParameterKind.DateTime, "2026-03-04T05:06:07.000008")]
    [InlineData("start: date = date(2026, 1, 1)", "date", ParameterKind.Date, "2026-01-01")]
    public void A_date_or_datetime_call_of_literal_integers_is_that_type_with_its_iso_default(string source, string type, ParameterKind kind, string iso)
    {
        var schema = SchemaOf(source);
        var parameter = Assert.Single(schema.Parameters);
        var json = schema.ToJson()["parameters"]![0]!;

        Assert.Equal((type, kind), (parameter.TypeName, parameter.Kind));
        Assert.Equal(kind.ToString().ToLowerInvariant(), json["kind"]!.GetValue<string>());
        Assert.Equal(iso, json["defaultValue"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("start = date.today()")]
    [InlineData("start = date(year, 1, 1)")]
    [InlineData("start = date(year=2026, month=1, day=1)")]
    [InlineData("start = date(2026, 01, 01)")]
    [InlineData("start = date(2026, 2, 30)")]
    [InlineData("start = date(2026, 1)")]
    [InlineData("start = datetime.date(2026, 1, 1, 0)")]
    [InlineData("start = datetime(2026, 1, 1, 24)")]
    [InlineData("start = datetime(2026, 1, 1, tzinfo=timezone.utc)")]
    [InlineData("start = date(2026, 1, 1) + timedelta(days=1)")]
    [InlineData("start = pd.Timestamp(2026, 1, 1)")]
    [InlineData("start = update(2026, 1, 1)")]
    [InlineData("start = date(-1, 1, 1)")]
    public void Anything_else_stays_unknown_with_nothing_prefilled(string source)
    {
        var schema = SchemaOf(source);
        var json = schema.ToJson()["parameters"]![0]!;

        Assert.Equal(("unknown", ParameterKind.Any), (schema.Parameters[0].TypeName, schema.Parameters[0].Kind));
        Assert.Null(json["defaultValue"]);
    }

    [Fact]
    public void A_value_for_such_a_parameter_is_checked_as_a_date_and_injected_as_the_iso_string_papermill_injects()
    {
        const string defaults = "start = date(2026, 1, 1)\nat = datetime(2026, 1, 1, 12, 0)";
        var notebook = NotebookOf(defaults);
        var schema = ParameterSchema.Infer(notebook);
        var values = new JsonObject { ["start"] = "2026-02-03", ["at"] = "2026-02-03T04:05:06" };

        ParameterValidator.Validate("nb.ipynb", schema, values);
        var wrong = Assert.Throws<ParameterException>(() => ParameterValidator.Validate("nb.ipynb", schema, new JsonObject { ["start"] = "yesterday" }));
        var index = ParameterInjector.Inject(notebook, values, new PythonTranslator());

        Assert.Contains("parameter 'start': expected date (an ISO 8601 string)", wrong.Message);
        // As an annotated date is sent, and as papermill's `-p start 2026-02-03` sends it: the ISO text, as a str.
        Assert.Equal("# Parameters\nstart = \"2026-02-03\"\nat = \"2026-02-03T04:05:06\"\n", notebook.Cells[index].Source);
        Assert.Equal(defaults, notebook.Cells[index - 1].Source);
    }

    private static Notebook NotebookOf(string parameters) => TestNotebooks.WithCells(Cell.NewCode(parameters, "p", "parameters"), Cell.NewCode("print(start)", "b"));

    private static ParameterSchema SchemaOf(string parameters) => ParameterSchema.Infer(NotebookOf(parameters));
}
