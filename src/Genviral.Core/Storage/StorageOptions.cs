using System.ComponentModel.DataAnnotations;

namespace Genviral.Core.Storage;

/// <summary>
/// Where the app's tables, queues and blobs live. Locally a connection string (Azurite);
/// in Azure the three service URIs plus a managed identity, so no account key exists anywhere.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Azurite's development account on its standard ports, the default when nothing else is configured.</summary>
    public const string LocalDevelopment = "UseDevelopmentStorage=true";

    public string? ConnectionString { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    /// <summary>Client id of the user-assigned managed identity; empty means DefaultAzureCredential's own choice.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Prepended to every table, queue and container name. Empty in production (the queue triggers name the
    /// queues literally); tests give each fixture its own prefix so runs never see each other's rows.
    /// </summary>
    [RegularExpression("^[a-z][a-z0-9]{0,15}$|^$")]
    public string Prefix { get; set; } = "";

    /// <summary>Create missing tables, queues and containers at start-up. Bicep declares them in Azure, so it is off there.</summary>
    public bool CreateResources { get; set; } = true;

    /// <summary>
    /// How often a read-change-write that lost its ETag race is tried again (<see cref="ConflictRetry"/>). Ten covers the
    /// worst race the app makes itself: the results of a post's ten accounts written at the same moment, where each
    /// round lets at least one through.
    /// </summary>
    [Range(1, 100)]
    public int ConflictRetries { get; set; } = 10;

    /// <summary>Azure mode: all three service URIs are set, and they win over any connection string.</summary>
    internal bool UsesServiceUris => TableServiceUri is not null && BlobServiceUri is not null && QueueServiceUri is not null;
}
