using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Storage;

/// <summary>
/// The one place that turns <see cref="StorageOptions"/> into SDK clients, so the app, the admin CLI and the
/// tests address the same (prefixed) tables, queues and containers.
/// </summary>
public sealed class StorageClients
{
    private readonly string _prefix;

    public StorageClients(IOptions<StorageOptions> options)
        : this(options.Value, null)
    {
    }

    /// <param name="tablePolicy">One more step in every table request's pipeline: the tests put a rival writer there.</param>
    internal StorageClients(StorageOptions o, HttpPipelinePolicy? tablePolicy)
    {
        _prefix = o.Prefix;
        Conflicts = new ConflictRetry(o.ConflictRetries);
        // Base64 because the Functions queue trigger decodes base64 by default (host.json messageEncoding).
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var tableOptions = new TableClientOptions();
        if (tablePolicy is not null)
        {
            tableOptions.AddPolicy(tablePolicy, HttpPipelinePosition.PerCall);
        }

        if (o.UsesServiceUris)
        {
            TokenCredential credential = string.IsNullOrWhiteSpace(o.ClientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(o.ClientId));
            Tables = new TableServiceClient(o.TableServiceUri, credential, tableOptions);
            Blobs = new BlobServiceClient(o.BlobServiceUri, credential);
            Queues = new QueueServiceClient(o.QueueServiceUri, credential, queueOptions);
        }
        else if (o.TableServiceUri is not null || o.BlobServiceUri is not null || o.QueueServiceUri is not null)
        {
            // Half an Azure configuration must not quietly fall back to a local emulator.
            throw new OptionsValidationException(StorageOptions.SectionName, typeof(StorageOptions),
                ["Set all of Storage:TableServiceUri, Storage:BlobServiceUri and Storage:QueueServiceUri, or none of them."]);
        }
        else
        {
            // Nothing configured means a developer machine: Azurite on its standard ports.
            var connectionString = string.IsNullOrWhiteSpace(o.ConnectionString) ? StorageOptions.LocalDevelopment : o.ConnectionString;
            Tables = new TableServiceClient(connectionString, tableOptions);
            Blobs = new BlobServiceClient(connectionString);
            Queues = new QueueServiceClient(connectionString, queueOptions);
        }
    }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    /// <summary>The retry rule of every optimistic write to these tables, with the configured bound.</summary>
    public ConflictRetry Conflicts { get; }

    public TableClient Table(string name) => Tables.GetTableClient(_prefix + name);

    public QueueClient Queue(string name) => Queues.GetQueueClient(_prefix + name);

    public BlobContainerClient Container(string name) => Blobs.GetBlobContainerClient(_prefix + name);

    /// <summary>Creates every table, queue (with its poison queue) and container that does not exist yet.</summary>
    public async Task CreateResourcesAsync(CancellationToken cancellationToken)
    {
        var work = new List<Task>();
        work.AddRange(StorageNames.Tables.Select(t => Table(t).CreateIfNotExistsAsync(cancellationToken)));
        work.AddRange(StorageNames.Queues.SelectMany(q => new[] { q, StorageNames.PoisonQueue(q) })
            .Select(q => Queue(q).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        work.AddRange(StorageNames.Containers.Select(c => Container(c).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        await Task.WhenAll(work);
    }
}
