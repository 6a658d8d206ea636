namespace Genviral.Core.Storage;

/// <summary>
/// Changes that span partitions write the harmless part first (a due-index entry, a queue message, a recovery
/// message) and the row it announces after, so a crash between the two never loses work. A reader can meet the first
/// write before the second lands: within <see cref="Window"/> of the first it cannot tell a slow writer from one that
/// died, so it leaves the work for later instead of dropping it; after that, the second write is not coming.
/// </summary>
public static class PendingWrites
{
    /// <summary>
    /// Longer than a request's writes can take: each storage call gives up within <see cref="StorageClients.FailureBound"/>
    /// (15.72 s), and a change makes a few of them after its first write.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(2);

    /// <summary>Whether something first written at <paramref name="writtenAt"/> may still see its announced write land.</summary>
    public static bool MayStillLand(DateTimeOffset? writtenAt, DateTimeOffset now) => writtenAt is { } at && now - at < Window;
}
