namespace Genviral.Core.Media;

public enum MediaFailureReason
{
    Unreachable,
    TooLarge,
    TypeInvalid,
}

/// <summary>
/// The media can never be used as it stands (refused address, 404, too large, wrong type): retrying cannot help,
/// so the post fails at once. Anything else thrown while fetching is transient and left to the queue's retries.
/// </summary>
public sealed class MediaFailureException : Exception
{
    public MediaFailureException()
        : this(MediaFailureReason.Unreachable, "the media could not be fetched")
    {
    }

    public MediaFailureException(string message)
        : this(MediaFailureReason.Unreachable, message)
    {
    }

    public MediaFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MediaFailureException(MediaFailureReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    public MediaFailureReason Reason { get; }

    /// <summary>The account states' error_message: the reason's code, then what happened.</summary>
    public string ErrorMessage => ErrorCode(Reason) + ": " + Message;

    public static string ErrorCode(MediaFailureReason reason) => reason switch
    {
        MediaFailureReason.TooLarge => "media_too_large",
        MediaFailureReason.TypeInvalid => "media_type_invalid",
        _ => "media_unreachable",
    };
}
