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
/// tests address the same (prefixed) tables, queues and containers, with the same retries and timeouts.
/// </summary>
public sealed class StorageClients
{
    /// <summary>
    /// How long one try of a table or queue call may take before it is abandoned (the SDK's default is 100 s). Azure
    /// Storage answers a point operation in milliseconds and a query page within 5 s (its own server-side limit for a
    /// segment). Requests touch only tables and queues, so this bounds them.
    /// </summary>
    public static readonly TimeSpan TryTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// One try of a blob call: it may carry a 4 MB block or a server-side copy, which a busy account (or a local
    /// emulator under load) can take seconds over. Blob calls run in the media pipeline and the timers, off requests
    /// (in Azure a GET also fetches the user-delegation key for media URLs, once an hour).
    /// </summary>
    public static readonly TimeSpan BlobTryTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first try, for transient failures only (the SDK's default is 3).</summary>
    public const int Retries = 2;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    private readonly string _prefix;

    // Built on first use: most requests touch tables only, and a cold process should not pay for the other two first.
    private readonly Lazy<BlobServiceClient> _blobs;
    private readonly Lazy<QueueServiceClient> _queues;

    public StorageClients(IOptions<StorageOptions> options)
        : this(options.Value, null)
    {
    }

    /// <param name="tablePolicy">One more step in every table request's pipeline: the tests put a rival writer there.</param>
    internal StorageClients(StorageOptions o, HttpPipelinePolicy? tablePolicy)
    {
        _prefix = o.Prefix;
        Conflicts = new ConflictRetry(o.ConflictRetries);
        var tableOptions = Configure(new TableClientOptions(), TryTimeout);
        if (tablePolicy is not null)
        {
            tableOptions.AddPolicy(tablePolicy, HttpPipelinePosition.PerCall);
        }

        var blobOptions = Configure(new BlobClientOptions(), BlobTryTimeout);
        // Base64 because the Functions queue trigger decodes base64 by default (host.json messageEncoding).
        var queueOptions = Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }, TryTimeout);
        if (o.UsesServiceUris)
        {
            TokenCredential credential = string.IsNullOrWhiteSpace(o.ClientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(o.ClientId));
            Tables = new TableServiceClient(o.TableServiceUri, credential, tableOptions);
            _blobs = new(() => new BlobServiceClient(o.BlobServiceUri, credential, blobOptions));
            _queues = new(() => new QueueServiceClient(o.QueueServiceUri, credential, queueOptions));
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
            _blobs = new(() => new BlobServiceClient(connectionString, blobOptions));
            _queues = new(() => new QueueServiceClient(connectionString, queueOptions));
        }
    }

    /// <summary>
    /// The longest one table or queue call takes to fail when storage is down, unreachable or does not answer: every
    /// try timing out, plus the exponential waits between tries (0.2 s, then 0.4 s, each up to 20% longer for jitter):
    /// 3 × 5 s + 0.72 s. When connections are refused it fails after the waits alone, in under a second. A request
    /// stops at its first failed call, and the API answers 503 storage_unavailable (see StorageFailures).
    /// </summary>
    public static TimeSpan FailureBound { get; } = (TryTimeout * (Retries + 1)) + (RetryDelay * ((1 << Retries) - 1) * 1.2);

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs => _blobs.Value;

    public QueueServiceClient Queues => _queues.Value;

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

    private static T Configure<T>(T options, TimeSpan tryTimeout)
        where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = Retries;
        options.Retry.Delay = RetryDelay;
        options.Retry.MaxDelay = MaxRetryDelay;
        options.Retry.NetworkTimeout = tryTimeout;
        return options;
    }
}
