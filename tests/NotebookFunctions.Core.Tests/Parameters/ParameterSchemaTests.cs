using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;

namespace NotebookFunctions.Core.Tests.Parameters;

public sealed class ParameterSchemaTests
{
    [Fact]
    public void A_line_that_is_an_expression_rather_than_a_value_is_skipped_as_papermill_skips_it()
    {
        var parameters = PythonParameterParser.Parse("a = 1\nd = a == 3\ne = a != 2  # help\nf = 'x == y'\ng = dict(k=a == 1)");

        Assert.Equal(["a", "f", "g"], parameters.Select(p => p.Name));
        Assert.Equal("'x == y'", parameters[1].Default);
    }

    [Fact]
    public void Types_come_from_annotations_type_comments_and_literals_and_comments_are_help()
    {
        var parameters = PythonParameterParser.Parse("""
            # defaults
            region = "west"  # sales region
            limit: int = 10
            ratio = 0.25  # type: float fraction kept
            enabled = True
            tags = ['a', 'b']
            options = {
                "depth": 2,  # ignored inner comment
                "mode": "fast",
            }  # engine options
            start: Optional[str] = None
            when: datetime = "2024-01-01"
            computed = len(tags) * 2
            url = "http://x/#anchor"  # has a hash inside the string
            import os
            """);

        Assert.Collection(parameters,
            p => Assert.Equal(("region", "str", "\"west\"", "sales region"), (p.Name, p.TypeName, p.Default, p.Help)),
            p => Assert.Equal(("limit", "int", "10"), (p.Name, p.TypeName, p.Default)),
            p => Assert.Equal(("ratio", "float", "fraction kept"), (p.Name, p.TypeName, p.Help)),
            p => Assert.Equal(("enabled", "bool"), (p.Name, p.TypeName)),
            p => Assert.Equal(("tags", "list", ParameterKind.List), (p.Name, p.TypeName, p.Kind)),
            p =>
            {
                Assert.Equal(("options", "dict", "engine options"), (p.Name, p.TypeName, p.Help));
                Assert.Equal("{\"depth\": 2, \"mode\": \"fast\",}", p.Default);
            },
            p => Assert.Equal(("start", "Optional[str]", true, ParameterKind.String), (p.Name, p.TypeName, p.Nullable, p.Kind)),
            p => Assert.Equal(("when", ParameterKind.DateTime), (p.Name, p.Kind)),
            p => Assert.Equal(("computed", "unknown", ParameterKind.Any), (p.Name, p.TypeName, p.Kind)),
            p => Assert.Equal(("url", "\"http://x/#anchor\"", "has a hash inside the string"), (p.Name, p.Default, p.Help)));
    }

    [Theory]
    [InlineData("a = 2", "a", "int", "2", "")]
    [InlineData("a: int = 2", "a", "int", "2", "")]
    [InlineData("a = 2 # type:int", "a", "int", "2", "")]
    [InlineData("a = False # Nice variable a", "a", "bool", "False", "Nice variable a")]
    [InlineData("a: float = 2.258 # type: int Nice variable a", "a", "float", "2.258", "Nice variable a")]
    [InlineData("a = 'this is a string' # type: int Nice variable a", "a", "int", "'this is a string'", "Nice variable a")]
    [InlineData("a = None", "a", "None", "None", "")]
    [InlineData("a = dict(x=1)", "a", "unknown", "dict(x=1)", "")]
    public void Single_declarations_read_as_papermill_reads_them_with_literal_types_added(string source, string name, string type, string @default, string help)
    {
        var p = Assert.Single(PythonParameterParser.Parse(source));
        Assert.Equal((name, type, @default, help), (p.Name, p.TypeName, p.Default, p.Help));
    }

    [Fact]
    public void Comparisons_and_indented_code_are_not_parameters() =>
        Assert.Empty(PythonParameterParser.Parse("if x == 1:\n    y = 2\nprint(a)\n"));

    [Fact]
    public void CSharp_declarations_are_read_with_declared_or_inferred_types()
    {
        var parameters = CSharpParameterParser.Parse("var n = 5; // how many\nstring name = \"x\";\ndouble r = 0.5;\n");
        Assert.Equal(["n:int:how many", "name:string:", "r:double:"], parameters.Select(p => $"{p.Name}:{p.TypeName}:{p.Help}"));
    }

    [Fact]
    public void The_schema_is_read_from_the_cell_tagged_parameters()
    {
        var notebook = TestNotebooks.WithCells(
            Cell.NewCode("import pandas", "a"),
            Cell.NewCode("x = 1\ny = 'a'", "b", "parameters"));

        var schema = ParameterSchema.Infer(notebook);

        Assert.Equal(1, schema.CellIndex);
        Assert.Equal(["x", "y"], schema.Parameters.Select(p => p.Name));
    }
}
