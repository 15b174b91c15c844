using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>A size given as text ("64MB") or as a plain byte count (67108864): both are what people write.</summary>
public sealed class SizeTextConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number when reader.TryGetInt64(out var bytes) => bytes.ToString(CultureInfo.InvariantCulture),
        _ => throw new JsonException("a size is text such as \"64MB\" or a whole number of bytes"),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
