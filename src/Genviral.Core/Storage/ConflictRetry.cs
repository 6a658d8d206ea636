using Azure;

namespace Genviral.Core.Storage;

/// <summary>
/// The one rule for optimistic concurrency: read, change, write with the ETag that was read, and when another writer
/// got in between (412, or 409 for a row added meanwhile) do it all again on fresh rows, at most
/// <see cref="StorageOptions.ConflictRetries"/> more times. Then <see cref="WriteConflictException"/>: a request answers
/// 409 with its endpoint's error code, a queue message is tried again later; nothing spins.
/// </summary>
public sealed class ConflictRetry(int retries)
{
    /// <summary>How many times an attempt that lost its race runs again.</summary>
    public int Retries => retries;

    /// <summary>
    /// Runs <paramref name="attempt"/> (which reads what it changes itself) until it completes without losing a race.
    /// A status with a meaning of its own (a 409 that says "already done") is the attempt's to catch first.
    /// </summary>
    /// <exception cref="WriteConflictException">Every attempt lost its race.</exception>
    public async Task<T> RunAsync<T>(Func<Task<T>> attempt)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (IsLostRace(e) && retry == retries)
            {
                throw new WriteConflictException(retry + 1, e);
            }
            catch (Exception e) when (IsLostRace(e))
            {
                // Another writer won: the next attempt reads its result and decides again.
            }
        }
    }

    /// <inheritdoc cref="RunAsync{T}(Func{Task{T}})"/>
    public Task RunAsync(Func<Task> attempt) => RunAsync(async () =>
    {
        await attempt();
        return true;
    });

    /// <summary>A write that lost its race: the row changed (412) or appeared (409) since it was read, or a store said so.</summary>
    public static bool IsLostRace(Exception exception) =>
        exception is RequestFailedException { Status: 409 or 412 } or ChangedSinceReadException;
}

/// <summary>A row changed since it was read (its ETag no longer matches); reading it again and deciding again is the cure.</summary>
public class ChangedSinceReadException : Exception
{
    public ChangedSinceReadException()
        : base("The row changed since it was read.")
    {
    }

    public ChangedSinceReadException(string message)
        : base(message)
    {
    }

    public ChangedSinceReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Other writers kept winning: the change was tried <see cref="Attempts"/> times and not made.</summary>
public sealed class WriteConflictException : Exception
{
    public WriteConflictException()
        : base("The data kept changing while it was written.")
    {
    }

    public WriteConflictException(string message)
        : base(message)
    {
    }

    public WriteConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal WriteConflictException(int attempts, Exception lastConflict)
        : base($"The data kept changing while it was written: {attempts} attempts each lost to another writer.", lastConflict) =>
        Attempts = attempts;

    public int Attempts { get; }
}
