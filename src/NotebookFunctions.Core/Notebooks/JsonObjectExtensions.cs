using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>Small helpers over <see cref="JsonObject"/>.</summary>
public static class JsonObjectExtensions
{
    /// <summary>The child object of that key; a new empty one is put in its place when it is missing or not an object.</summary>
    public static JsonObject ObjectAt(this JsonObject parent, string key) => GetOrCreate(parent, key, () => new JsonObject());

    /// <summary>The child array of that key; a new empty one is put in its place when it is missing or not an array.</summary>
    public static JsonArray ArrayAt(this JsonObject parent, string key) => GetOrCreate(parent, key, () => new JsonArray());

    private static T GetOrCreate<T>(JsonObject parent, string key, Func<T> create)
        where T : JsonNode
    {
        if (parent[key] is T existing) return existing;
        var created = create();
        parent[key] = created;
        return created;
    }
}
