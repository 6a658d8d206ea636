namespace Genviral.Core.Media;

/// <summary>
/// Another delivery of the same media work holds the post's media claim: this one must try again later rather than
/// fetch the same files a second time. Thrown so the queue redelivers the message after its visibility timeout.
/// </summary>
public sealed class MediaBusyException : Exception
{
    public MediaBusyException()
        : this("Another delivery is re-hosting this media.")
    {
    }

    public MediaBusyException(string message)
        : base(message)
    {
    }

    public MediaBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
