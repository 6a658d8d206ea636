using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Genviral.Core.Storage;

namespace Genviral.Testing;

/// <summary>
/// Another writer that wins every race: in the table pipeline of the code under test, it changes a row (<see cref="Rival"/>)
/// just before each conditional write (an If-Match update or an entity-group transaction), through clients of its own,
/// as a concurrent request would between that code's read and its write. Null <see cref="Rival"/> stands aside.
/// </summary>
internal sealed class RivalWriter(StorageClients plain) : HttpPipelinePolicy
{
    private int _wins;

    /// <summary>What the rival does before each conditional write.</summary>
    public Func<Task>? Rival { get; set; }

    /// <summary>How many conditional writes the rival got in ahead of.</summary>
    public int Wins => _wins;

    /// <summary>Clients over the same storage for the code under test, with the rival in their table pipeline.</summary>
    public StorageClients Contended(StorageOptions options) => new(options, this);

    /// <summary>
    /// From now on the rival changes these rows (and <see cref="Wins"/> counts from zero): an empty merge, which gives a
    /// row a new ETag (or adds it) and nothing else.
    /// </summary>
    public void Touches(string table, string partitionKey, params string[] rowKeys)
    {
        _wins = 0;
        Rival = () => Task.WhenAll(rowKeys.Select(rowKey => plain.Table(table).UpsertEntityAsync(new TableEntity(partitionKey, rowKey), TableUpdateMode.Merge)));
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Rival is { } rival && IsConditionalWrite(message.Request))
        {
            Interlocked.Increment(ref _wins);
            await rival();
        }

        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    private static bool IsConditionalWrite(Request request) =>
        request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) || (request.Headers.TryGetValue("If-Match", out var etag) && etag != "*");
}
