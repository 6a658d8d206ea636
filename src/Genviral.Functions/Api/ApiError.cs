namespace Genviral.Functions.Api;

/// <summary>An envelope failure as a typed result. Every error body of the API is written here.</summary>
internal sealed class ApiError(int statusCode, string errorCode, string message, IReadOnlyList<FieldIssue>? issues = null)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ErrorEnvelope>
{
    public int StatusCode => statusCode;

    int? IStatusCodeHttpResult.StatusCode => statusCode;

    public string ErrorCode => errorCode;

    public ErrorEnvelope Value { get; } = new(false, statusCode, message, errorCode, issues);

    object? IValueHttpResult.Value => Value;

    /// <summary>Extra headers (for example Retry-After) sent with the error.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext);

    public async Task WriteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        await response.WriteAsJsonAsync(Value, ApiJsonContext.Default.ErrorEnvelope, contentType: ApiJson.ContentType, httpContext.RequestAborted);
    }

    public static ApiError NotFound(string message = "Not found") => new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, message);
}
