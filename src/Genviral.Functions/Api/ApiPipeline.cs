using Azure;
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
            case RequestFailedException { Status: 429 or 503 }:
                var unavailable = new ApiError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable, "Storage is busy; retry shortly");
                unavailable.Headers["Retry-After"] = "5";
                return unavailable;
            default:
                LogUnhandled(logger, exception, function.Name, context.Request.Method, context.Request.Path);
                return new ApiError(StatusCodes.Status500InternalServerError, function.FaultCode ?? ErrorCodes.InternalError, "Internal server error");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string function, string method, string path);
}
