namespace Genviral.Core.Storage;

/// <summary>One delivery of a queue message, as the trigger binds it: a redelivery keeps the id and counts up.</summary>
/// <param name="InsertedOn">When the message was put, so a consumer can tell a message that arrived before the write it announces.</param>
/// <param name="IsLastAttempt">A throw now sends the message to the poison queue.</param>
public sealed record QueueDelivery(string MessageId, DateTimeOffset InsertedOn, bool IsLastAttempt);
