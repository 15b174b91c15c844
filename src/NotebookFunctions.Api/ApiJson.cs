using System.Text.Json;
using System.Text.Json.Serialization;

namespace NotebookFunctions.Api;

/// <summary>How the API reads and writes JSON: camelCase names, enums as their names, null members left out.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads a JSON body, answering 400 with the position of the error when it is not valid JSON.</summary>
    public static async Task<T> ReadAsync<T>(Stream body, string what, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(body, Options, cancellationToken)
                ?? throw ApiException.BadRequest($"the {what} body is empty; a JSON object is required");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the {what} body is not valid: {e.Message}", e.Path?.TrimStart('$', '.'));
        }
    }
}
