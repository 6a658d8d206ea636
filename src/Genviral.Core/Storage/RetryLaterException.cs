namespace Genviral.Core.Storage;

/// <summary>
/// A queue message this delivery cannot handle now, but another delivery can soon: a copy of it is being handled right
/// now (queues deliver at least once), or the write it announces has not landed yet. Thrown so the queue delivers it
/// again after its visibility timeout, instead of doing the work twice or dropping work that is still to come. Never
/// thrown on a message's last attempt: there the consumer decides for good.
/// </summary>
public sealed class RetryLaterException : Exception
{
    public RetryLaterException()
        : this("The message cannot be handled now; try again later.")
    {
    }

    public RetryLaterException(string message)
        : base(message)
    {
    }

    public RetryLaterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
