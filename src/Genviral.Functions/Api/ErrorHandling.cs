using Azure;
using Microsoft.AspNetCore.Diagnostics;

namespace Genviral.Functions.Api;

/// <summary>
/// The last line for exceptions: bad requests the server detected keep their status, storage throttling
/// becomes 503 with Retry-After, and anything else is a 500 with the endpoint's documented code and no detail.
/// </summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var error = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            RequestFailedException { Status: 429 or 503 } => Unavailable(),
            _ => null,
        };
        if (error is null)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            var code = httpContext.GetEndpoint()?.Metadata.GetMetadata<FaultCodeMetadata>()?.ErrorCode ?? ErrorCodes.InternalError;
            error = new ApiError(StatusCodes.Status500InternalServerError, code, "Internal server error");
        }

        await error.WriteAsync(httpContext);
        return true;
    }

    private static ApiError FromBadRequest(BadHttpRequestException e) => e.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => new ApiError(e.StatusCode, ErrorCodes.PayloadTooLarge, "Request body too large"),
        StatusCodes.Status415UnsupportedMediaType => new ApiError(e.StatusCode, ErrorCodes.UnsupportedMediaType, "Unsupported content type"),
        _ => new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "Bad request"),
    };

    private static ApiError Unavailable()
    {
        var error = new ApiError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable, "Storage is busy; retry shortly");
        error.Headers["Retry-After"] = "5";
        return error;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}

/// <summary>Gives bodiless error statuses from the framework (no route, wrong method, …) the envelope.</summary>
internal static class StatusCodeEnvelope
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var status = context.HttpContext.Response.StatusCode;
        var error = status switch
        {
            StatusCodes.Status404NotFound => new ApiError(status, ErrorCodes.NotFound, "Route not found"),
            StatusCodes.Status405MethodNotAllowed => new ApiError(status, ErrorCodes.MethodNotAllowed, "Method not allowed"),
            StatusCodes.Status413PayloadTooLarge => new ApiError(status, ErrorCodes.PayloadTooLarge, "Request body too large"),
            StatusCodes.Status415UnsupportedMediaType => new ApiError(status, ErrorCodes.UnsupportedMediaType, "Unsupported content type"),
            >= 500 => new ApiError(status, ErrorCodes.InternalError, "Internal server error"),
            _ => new ApiError(status, ErrorCodes.BadRequest, "Bad request"),
        };
        return error.WriteAsync(context.HttpContext);
    }
}
