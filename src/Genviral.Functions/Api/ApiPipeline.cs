using Genviral.Core.Storage;
using Genviral.Functions.Auth;
using Genviral.Functions.Hosting;

namespace Genviral.Functions.Api;

/// <summary>
/// What happens around every HTTP function, in both hosts: key authentication and the plan gate, then the
/// function, and every exception turned into an envelope. The worker calls it from <see cref="ApiWorkerMiddleware"/>,
/// standalone mode from its endpoints; it always answers a result and never throws, because an exception that
/// reached the worker would give the caller an empty 200.
/// </summary>
internal sealed partial class ApiPipeline(ApiKeyAuthenticator authenticator, ILogger<ApiPipeline> logger)
{
    private const string RetryAfterSeconds = "5";

    public async Task<IResult> InvokeAsync(HttpContext context, HttpFunction function, Func<Task<object?>> invoke)
    {
        try
        {
            if (function.RequiresApiKey && await authenticator.AuthenticateAsync(context) is { } denied)
            {
                return denied;
            }

            return await invoke() as IResult ?? throw new InvalidOperationException($"Function {function.Name} returned no IResult.");
        }
        catch (Exception e)
        {
            return Fault(context, function, e);
        }
    }

    private ApiError Fault(HttpContext context, HttpFunction function, Exception exception)
    {
        switch (exception)
        {
            case BadHttpRequestException bad:
                return bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => new ApiError(bad.StatusCode, ErrorCodes.PayloadTooLarge, "Request body too large"),
                    StatusCodes.Status415UnsupportedMediaType => new ApiError(bad.StatusCode, ErrorCodes.UnsupportedMediaType, "Unsupported content type"),
                    _ => new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "Bad request"),
                };
            case WriteConflictException:
                // Other writers kept winning the ETag race (Storage:ConflictRetries); nothing was changed, and trying again is safe.
                return new ApiError(StatusCodes.Status409Conflict, function.FaultCode ?? ErrorCodes.InternalError,
                    "The data kept changing while this request wrote it; nothing was changed, try again");
            case var e when StorageFailures.IsUnavailable(e, context.RequestAborted):
                // Down, unreachable, too slow or throttling: the storage client has already retried (StorageClients.FailureBound).
                LogUnavailable(logger, function.Name, e.GetType().Name, e.Message);
                return StorageUnavailable();
            default:
                LogUnhandled(logger, exception, function.Name, context.Request.Method, context.Request.Path);
                return new ApiError(StatusCodes.Status500InternalServerError, function.FaultCode ?? ErrorCodes.InternalError, "Internal server error");
        }
    }

    /// <summary>The answer when storage cannot be reached: the caller may retry after a few seconds, and nothing half-done was kept.</summary>
    public static ApiError StorageUnavailable()
    {
        var unavailable = new ApiError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable, "Storage is unavailable; retry shortly");
        unavailable.Headers["Retry-After"] = RetryAfterSeconds;
        return unavailable;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {Function}: storage unavailable ({Exception}: {Reason})")]
    private static partial void LogUnavailable(ILogger logger, string function, string exception, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string function, string method, string path);
}
