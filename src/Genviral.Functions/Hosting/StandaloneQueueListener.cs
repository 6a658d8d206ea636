using Azure;
using Azure.Storage.Queues;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;
using SdkQueueMessage = Azure.Storage.Queues.Models.QueueMessage;

namespace Genviral.Functions.Hosting;

/// <summary>
/// Standalone mode's queue trigger: competing consumers over the same queues with the host's rules. Messages are
/// Base64 (decoded by the client, as the host decodes them). A failed message becomes visible again after
/// VisibilityTimeout; the attempt that reaches MaxDequeueCount moves it to <c>&lt;queue&gt;-poison</c>, and so does a
/// message whose last attempt died with its process.
/// </summary>
internal sealed partial class StandaloneQueueListener(
    IEnumerable<StandaloneQueueWork> functions,
    StorageClients storage,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<StandaloneQueueListener> logger) : BackgroundService
{
    private const int BatchSize = 16;

    // Invisible for as long as the host's functionTimeout allows one run to take; a crash releases it after that.
    private static readonly TimeSpan ProcessingTimeout = TimeSpan.FromMinutes(10);
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
                batch = (await queue.ReceiveMessagesAsync(BatchSize, ProcessingTimeout, stoppingToken)).Value;
            }
            catch (RequestFailedException e)
            {
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
        try
        {
            if (message.DequeueCount > max)
            {
                await MoveToPoisonAsync(queue, poison, message);
                return;
            }

            var trigger = new FunctionInvoker.Trigger(message.Body.ToString(), message.DequeueCount, message.MessageId, message.InsertedOn ?? default);
            try
            {
                await function.RunAsync(trigger, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down is not a failed attempt: hand the message straight back to the other consumers.
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
                return;
            }
            catch (Exception e)
            {
                LogAttemptFailed(logger, e, function.Name, message.MessageId, message.DequeueCount);
                if (message.DequeueCount >= max)
                {
                    await MoveToPoisonAsync(queue, poison, message);
                }
                else
                {
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.Value.VisibilityTimeout, cancellationToken: CancellationToken.None);
                }

                return;
            }

            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (RequestFailedException e)
        {
            // The message's pop receipt expired or storage failed: it becomes visible again and is retried.
            LogSettleFailed(logger, e, function.Name, message.MessageId);
        }
    }

    // Copy first, then delete: a crash in between leaves a duplicate in the poison queue rather than losing the message.
    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, SdkQueueMessage message)
    {
        await poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} moved to {PoisonQueue}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string poisonQueue);
}

/// <summary>A queue function as standalone mode runs it: the queue (unprefixed) and how to invoke the function.</summary>
internal sealed record StandaloneQueueWork(string Name, string Queue, Func<FunctionInvoker.Trigger, CancellationToken, Task> RunAsync);
