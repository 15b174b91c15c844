using System.Text.Json;
using System.Text.Json.Serialization;

namespace NotebookFunctions.Api;

/// <summary>How the API writes JSON (and nbf reads its answers): camelCase names, enums as their names, null members left out. Requests are read by <see cref="RequestJson"/>.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
