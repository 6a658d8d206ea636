using System.ComponentModel.DataAnnotations;

namespace Genviral.Core.Storage;

/// <summary>
/// The queue rules both hosting modes share. The defaults equal host.json's <c>extensions.queues</c>
/// (a contract test keeps them equal), so a message is tried as often in standalone mode as under the Functions host.
/// </summary>
public sealed class QueueOptions
{
    public const string SectionName = "Queues";

    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether a failure of this attempt sends the message to the poison queue, so a function can record a final failure first.</summary>
    public bool IsLastAttempt(long dequeueCount) => dequeueCount >= MaxDequeueCount;

    /// <summary>Longest wait between polls of an empty queue in standalone mode.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Standalone mode: how long a message being handled stays invisible to the other consumers. The consumer extends
    /// it every third of this while the function runs, so only the message of a consumer that died shows again, this
    /// long after its last extension. (The Functions host keeps its own 10-minute lease, renewed the same way.)
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "1.00:00:00")]
    public TimeSpan ProcessingLease { get; set; } = TimeSpan.FromMinutes(1);
}
