using Azure;
using Azure.Storage.Queues;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;
using SdkQueueMessage = Azure.Storage.Queues.Models.QueueMessage;

namespace Genviral.Functions.Hosting;

/// <summary>
/// Standalone mode's queue trigger: competing consumers over the same queues with the host's rules. Messages are
/// Base64 (decoded by the client, as the host decodes them). A message being handled stays invisible for
/// ProcessingLease, extended while its function runs; a failed message becomes visible again after VisibilityTimeout;
/// the attempt that reaches MaxDequeueCount moves it to <c>&lt;queue&gt;-poison</c>, and so does a message whose last
/// attempt died with its process.
/// </summary>
internal sealed partial class StandaloneQueueListener(
    IEnumerable<StandaloneQueueWork> functions,
    StorageClients storage,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<StandaloneQueueListener> logger) : BackgroundService
{
    private const int BatchSize = 16;
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(functions.Select(f => ListenAsync(f, stoppingToken)));

    private async Task ListenAsync(StandaloneQueueWork function, CancellationToken stoppingToken)
    {
        var queue = storage.Queue(function.Queue);
        var poison = storage.Queue(StorageNames.PoisonQueue(function.Queue));
        var delay = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            SdkQueueMessage[] batch;
            try
            {
                batch = (await queue.ReceiveMessagesAsync(BatchSize, options.Value.ProcessingLease, stoppingToken)).Value;
            }
            catch (Exception e) when (e is RequestFailedException || StorageFailures.IsUnavailable(e, stoppingToken))
            {
                // Storage is down or failing: poll again after the idle delay rather than end the listener.
                LogReceiveFailed(logger, e, function.Name);
                batch = [];
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (batch.Length == 0)
            {
                await DelayAsync(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxPollingInterval.Ticks));
                continue;
            }

            delay = MinPollingInterval;
            await Task.WhenAll(batch.Select(m => ProcessAsync(function, queue, poison, m, stoppingToken)));
        }
    }

    private async Task ProcessAsync(StandaloneQueueWork function, QueueClient queue, QueueClient poison, SdkQueueMessage message, CancellationToken stoppingToken)
    {
        var max = options.Value.MaxDequeueCount;
        var receipt = new Receipt(message.PopReceipt);
        try
        {
            if (message.DequeueCount > max)
            {
                await MoveToPoisonAsync(queue, poison, message, receipt);
                return;
            }

            var trigger = new FunctionInvoker.Trigger(message.Body.ToString(), message.DequeueCount, message.MessageId, message.InsertedOn ?? default);
            Exception? failure = null;
            using (var done = new CancellationTokenSource())
            {
                var lease = KeepInvisibleAsync(queue, message.MessageId, receipt, done.Token);
                try
                {
                    await function.RunAsync(trigger, stoppingToken);
                }
                catch (Exception e)
                {
                    failure = e;
                }
                finally
                {
                    await done.CancelAsync();
                    await lease;
                }
            }

            if (failure is OperationCanceledException && stoppingToken.IsCancellationRequested)
            {
                // Shutting down is not a failed attempt: hand the message straight back to the other consumers.
                await queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
            }
            else if (failure is not null)
            {
                LogAttemptFailed(logger, failure, function.Name, message.MessageId, message.DequeueCount);
                if (message.DequeueCount >= max)
                {
                    await MoveToPoisonAsync(queue, poison, message, receipt);
                }
                else
                {
                    await queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: options.Value.VisibilityTimeout, cancellationToken: CancellationToken.None);
                }
            }
            else
            {
                await queue.DeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is RequestFailedException || StorageFailures.IsUnavailable(e, CancellationToken.None))
        {
            // The lease was lost or storage failed: the message becomes visible again and is retried.
            LogSettleFailed(logger, e, function.Name, message.MessageId);
        }
    }

    /// <summary>
    /// Extends the message's invisibility every third of ProcessingLease until <paramref name="done"/>. Each extension
    /// gives the message a new pop receipt, which the settling call then needs; an extension under way is let finish.
    /// </summary>
    private async Task KeepInvisibleAsync(QueueClient queue, string messageId, Receipt receipt, CancellationToken done)
    {
        var lease = options.Value.ProcessingLease;
        while (true)
        {
            try
            {
                await Task.Delay(lease / 3, time, done);
                var updated = await queue.UpdateMessageAsync(messageId, receipt.Value, visibilityTimeout: lease, cancellationToken: CancellationToken.None);
                receipt.Value = updated.Value.PopReceipt;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is RequestFailedException || StorageFailures.IsUnavailable(e, CancellationToken.None))
            {
                // Storage trouble: try again at the next third; at worst the message shows again and is handled twice (harmless).
                LogExtendFailed(logger, e, messageId);
            }
        }
    }

    // Copy first, then delete: a crash in between leaves a duplicate in the poison queue rather than losing the message.
    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, SdkQueueMessage message, Receipt receipt)
    {
        await poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None);
        await queue.DeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None);
        LogPoisoned(logger, message.MessageId, poison.Name);
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown: the loop condition ends the listener.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from the queue of {Function} failed")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} failed on message {MessageId} (attempt {DequeueCount})")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string function, string messageId, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle message {MessageId} of {Function}")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string function, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not extend the invisibility of message {MessageId}")]
    private static partial void LogExtendFailed(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} moved to {PoisonQueue}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string poisonQueue);
}

/// <summary>A message's current pop receipt: every visibility change replaces it.</summary>
internal sealed class Receipt(string value)
{
    public string Value { get; set; } = value;
}

/// <summary>A queue function as standalone mode runs it: the queue (unprefixed) and how to invoke the function.</summary>
internal sealed record StandaloneQueueWork(string Name, string Queue, Func<FunctionInvoker.Trigger, CancellationToken, Task> RunAsync);
