using System.Text.Json;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;

namespace Genviral.Functions.Hosting;

/// <summary>
/// The custom-handler side of queue and timer functions: the host POSTs <c>{Data, Metadata}</c> to
/// <c>/{FunctionName}</c> and treats any non-2xx answer as a failed invocation (a queue message is then retried
/// and, after maxDequeueCount attempts, moved to the poison queue by the host). These routes exist only in
/// custom-handler mode, and the public HTTP functions' routes (api/…, health) cannot reach them.
/// </summary>
internal static partial class TriggerEndpoints
{
    private static readonly TriggerResponse Success = new(new Dictionary<string, string>(), [], null);

    public static IEndpointRouteBuilder MapTriggerFunctions(this IEndpointRouteBuilder app)
    {
        foreach (var function in app.ServiceProvider.GetServices<IQueueFunction>())
        {
            app.MapPost("/" + function.Name, (HttpRequest request, IOptions<QueueOptions> options, ILoggerFactory logs, CancellationToken cancellationToken) =>
                    InvokeAsync(request, function.Name, logs, root =>
                        TriggerEnvelope.TryParseQueue(root, options.Value.MaxDequeueCount, out var message)
                            ? ct => function.RunAsync(message, ct)
                            : null, cancellationToken))
                .ExcludeFromDescription();
        }

        foreach (var function in app.ServiceProvider.GetServices<ITimerFunction>())
        {
            app.MapPost("/" + function.Name, (HttpRequest request, ILoggerFactory logs, CancellationToken cancellationToken) =>
                    InvokeAsync(request, function.Name, logs, root =>
                        TriggerEnvelope.TryParseTimer(root, out var timer) ? ct => function.RunAsync(timer, ct) : null, cancellationToken))
                .ExcludeFromDescription();
        }

        return app;
    }

    private static async Task<IResult> InvokeAsync(
        HttpRequest request, string name, ILoggerFactory logs, Func<JsonElement, Func<CancellationToken, Task>?> bind, CancellationToken cancellationToken)
    {
        var logger = logs.CreateLogger("Genviral.Functions.Triggers." + name);
        Func<CancellationToken, Task>? run;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            run = bind(document.RootElement);
        }
        catch (JsonException)
        {
            run = null;
        }

        if (run is null)
        {
            LogBadEnvelope(logger, name);
            return Respond(StatusCodes.Status400BadRequest, $"{name}: invocation payload is not a {{Data, Metadata}} envelope");
        }

        try
        {
            await run(cancellationToken);
            return Respond(StatusCodes.Status200OK, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The host logs our Logs lines with the invocation; the exception detail stays in our own log.
            LogFailed(logger, e, name);
            return Respond(StatusCodes.Status500InternalServerError, $"{name} failed: {e.GetType().Name}");
        }
    }

    private static IResult Respond(int status, string? log) =>
        Results.Json(log is null ? Success : Success with { Logs = [log] }, TriggerJsonContext.Default.TriggerResponse, statusCode: status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Name} received an invocation it cannot parse")]
    private static partial void LogBadEnvelope(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Name} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string name);
}
