namespace Genviral.Functions.Hosting;

/// <summary>
/// Work triggered by a queue message. The same implementation runs under the Functions host (invoked through
/// the custom-handler envelope) and in standalone mode (polled by <see cref="StandaloneQueueListener"/>).
/// Throwing means "retry": after the last attempt the message goes to the poison queue.
/// </summary>
internal interface IQueueFunction
{
    /// <summary>The function's folder name under functions/, which is also the host's invocation path.</summary>
    string Name { get; }

    /// <summary>The queue, unprefixed, exactly as function.json names it.</summary>
    string Queue { get; }

    Task RunAsync(QueueMessage message, CancellationToken cancellationToken);
}

/// <param name="Body">The message text (already base64-decoded).</param>
/// <param name="IsLastAttempt">True when a failure now sends the message to the poison queue, so handlers can record a final failure.</param>
internal sealed record QueueMessage(string Body, string? Id, long DequeueCount, DateTimeOffset? InsertionTime, bool IsLastAttempt);

/// <summary>Work triggered on a schedule: by the host's timer trigger, or by <see cref="StandaloneTimer"/> under a blob lease.</summary>
internal interface ITimerFunction
{
    string Name { get; }

    /// <summary>Six-field NCRONTAB expression (seconds first), as in function.json.</summary>
    string Schedule { get; }

    Task RunAsync(TimerInfo timer, CancellationToken cancellationToken);
}

/// <param name="IsPastDue">True when this run makes up for an occurrence that was missed (the app was down).</param>
internal sealed record TimerInfo(bool IsPastDue, DateTimeOffset? Last, DateTimeOffset? Next);
