using System.Net;

namespace Genviral.Core;

/// <summary>
/// Which failed HTTP answers are worth trying again later, the same for media sources and platform APIs: a
/// timeout (408), a rate limit (429) or a server error (5xx). Any other failure will fail again however often it is
/// tried. The retrying itself is never in-process: it is the queue's or the dispatcher's backoff.
/// </summary>
public static class TransientHttp
{
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;
}
