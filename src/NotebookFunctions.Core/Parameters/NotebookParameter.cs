namespace NotebookFunctions.Core.Parameters;

/// <summary>One parameter declared in a notebook's <c>parameters</c> cell: the notebook's schema, one entry.</summary>
/// <param name="Name">The variable name.</param>
/// <param name="TypeName">The annotation or type comment if given, else the type inferred from the default (int, float, str, bool, list, dict, None), else "unknown".</param>
/// <param name="Default">The default's source text, as written.</param>
/// <param name="Help">The trailing comment, if any.</param>
/// <param name="Line">1-based line of the declaration within the cell.</param>
public sealed record NotebookParameter(string Name, string TypeName, string Default, string Help, int Line)
{
    /// <summary>The kind of value the type name accepts.</summary>
    public ParameterKind Kind => ParameterTypes.KindOf(TypeName);

    /// <summary>True when the type is Optional[...] or the default is None, so null is accepted.</summary>
    public bool Nullable => ParameterTypes.IsNullable(TypeName) || Default.Trim() is "None" or "null";
}

/// <summary>What kind of value a declared parameter takes.</summary>
public enum ParameterKind
{
    Any,
    Int,
    Float,
    String,
    Bool,
    List,
    Dict,
    Date,
    DateTime,
    None,
}
