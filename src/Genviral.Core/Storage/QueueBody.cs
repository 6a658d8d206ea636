using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Genviral.Core.Storage;

/// <summary>Reading the JSON body of a queue message the app sent itself.</summary>
public static class QueueBody
{
    /// <summary>
    /// The body as <typeparamref name="T"/>, or null when it is not JSON of that shape. Retrying cannot fix such a
    /// message, so consumers drop it rather than let it fill the poison queue.
    /// </summary>
    public static T? Read<T>(string body, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
