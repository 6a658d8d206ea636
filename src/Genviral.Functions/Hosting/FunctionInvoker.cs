using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Hosting;

/// <summary>
/// Standalone mode's stand-in for the worker's function executor: a new instance of the function's class per
/// invocation from the invocation's service scope (as the worker's activator does), the parameters bound as the
/// catalog decided, and the returned task awaited.
/// </summary>
internal static class FunctionInvoker
{
    private static readonly ConcurrentDictionary<Type, ObjectFactory> Factories = new();
    private static readonly ConcurrentDictionary<MethodInfo, PropertyInfo?> TaskResults = new();

    /// <summary>What a queue or timer invocation binds; HTTP invocations bind from the request.</summary>
    public sealed record Trigger(string? Message = null, long DequeueCount = 0, string? MessageId = null, DateTimeOffset InsertionTime = default, TimerInfo? Timer = null);

    public static Task<object?> InvokeAsync(FunctionDefinition function, IServiceProvider services, HttpContext http) =>
        InvokeAsync(function, services, http, null, http.RequestAborted);

    public static Task<object?> InvokeAsync(FunctionDefinition function, IServiceProvider services, Trigger trigger, CancellationToken cancellationToken) =>
        InvokeAsync(function, services, null, trigger, cancellationToken);

    private static async Task<object?> InvokeAsync(FunctionDefinition function, IServiceProvider services, HttpContext? http, Trigger? trigger, CancellationToken cancellationToken)
    {
        var method = function.Method;
        var arguments = new object?[function.Parameters.Count];
        var names = method.GetParameters();
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = function.Parameters[i] switch
            {
                ParameterBinding.HttpRequest => http!.Request,
                ParameterBinding.RouteValue => http!.Request.RouteValues[names[i].Name!] as string,
                ParameterBinding.CancellationToken => cancellationToken,
                ParameterBinding.QueueMessage => trigger!.Message,
                ParameterBinding.DequeueCount => trigger!.DequeueCount,
                ParameterBinding.MessageId => trigger!.MessageId,
                ParameterBinding.InsertionTime => trigger!.InsertionTime,
                ParameterBinding.Timer => trigger!.Timer,
                _ => throw new InvalidOperationException($"Unknown binding {function.Parameters[i]}"),
            };
        }

        var target = method.IsStatic
            ? null
            : Factories.GetOrAdd(method.DeclaringType!, t => ActivatorUtilities.CreateFactory(t, Type.EmptyTypes))(services, null);
        try
        {
            // DoNotWrapExceptions: a function's exception reaches the caller as itself, as under the worker.
            var returned = method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, arguments, null);
            if (returned is not Task task)
            {
                return returned;
            }

            await task;
            // The declared type decides: the runtime type of a plain Task from an async method is a Task<VoidTaskResult>.
            return TaskResults.GetOrAdd(method, m => m.ReturnType.IsGenericType && m.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
                ? m.ReturnType.GetProperty(nameof(Task<object>.Result))
                : null)?.GetValue(task);
        }
        finally
        {
            if (target is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else if (target is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
    }
}
