namespace Genviral.Core.Media;

/// <summary>
/// The media work cannot be done by this delivery now, but may be soon: another delivery of it holds the post's media
/// claim, or the post write the message announces has not landed yet. Thrown so the queue redelivers the message
/// after its visibility timeout, instead of fetching twice or dropping work that is still to come.
/// </summary>
public sealed class MediaRetryLaterException : Exception
{
    public MediaRetryLaterException()
        : this("The media work cannot be done now; try again later.")
    {
    }

    public MediaRetryLaterException(string message)
        : base(message)
    {
    }

    public MediaRetryLaterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
