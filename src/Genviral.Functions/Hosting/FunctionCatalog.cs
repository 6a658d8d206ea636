using System.Reflection;
using Genviral.Functions.Api;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Hosting;

/// <summary>
/// Every <c>[Function]</c> of the app, read once from its attributes. Under the Functions host the SDK's generated
/// metadata tells the host the same facts; standalone mode takes them from here. So a route, method, queue or schedule
/// is written in exactly one place: the function's own attributes.
/// </summary>
internal sealed class FunctionCatalog
{
    public FunctionCatalog(IEnumerable<Type> types)
    {
        var http = new List<HttpFunction>();
        var queue = new List<QueueFunction>();
        var timer = new List<TimerFunction>();
        foreach (var method in types.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
            {
                continue;
            }

            var parameters = method.GetParameters();
            if (parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().FirstOrDefault() is { } h)
            {
                http.Add(HttpFunction.Create(function.Name, method, h));
            }
            else if (parameters.Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()).OfType<QueueTriggerAttribute>().FirstOrDefault() is { } q)
            {
                queue.Add(new QueueFunction(function.Name, method, q.QueueName, Bind(function.Name, parameters, QueueFunction.Binds)));
            }
            else if (parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).OfType<TimerTriggerAttribute>().FirstOrDefault() is { } t)
            {
                timer.Add(new TimerFunction(function.Name, method, t.Schedule, Bind(function.Name, parameters, TimerFunction.Binds)));
            }
            else
            {
                throw new InvalidOperationException($"Function {function.Name} has no HTTP, queue or timer trigger.");
            }
        }

        Http = http;
        Queue = queue;
        Timer = timer;
        var names = http.Select(f => f.Name).Concat(queue.Select(f => f.Name)).Concat(timer.Select(f => f.Name)).ToList();
        if (names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new InvalidOperationException($"Two functions are named {duplicate.Key}.");
        }

        _byName = http.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    private readonly Dictionary<string, HttpFunction> _byName;

    /// <summary>The functions of this app.</summary>
    public static FunctionCatalog App { get; } = new(typeof(FunctionCatalog).Assembly.GetTypes());

    public IReadOnlyList<HttpFunction> Http { get; }

    public IReadOnlyList<QueueFunction> Queue { get; }

    public IReadOnlyList<TimerFunction> Timer { get; }

    public HttpFunction? FindHttp(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The methods the HTTP functions other than the catch-all serve <paramref name="path"/> with; none when no route matches.</summary>
    public IReadOnlyList<string> MethodsFor(PathString path) =>
        [.. Http.Where(f => !f.IsCatchAll && f.Matcher.TryMatch(path, new RouteValueDictionary())).SelectMany(f => f.HttpMethods).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// How each parameter is bound. Only what the worker and standalone mode bind the same way is allowed, so a
    /// function that would bind differently in one host fails at start-up in both.
    /// </summary>
    internal static IReadOnlyList<ParameterBinding> Bind(string function, ParameterInfo[] parameters, Func<ParameterInfo, ParameterBinding?> binds) =>
        [.. parameters.Select(p => binds(p) ?? throw new InvalidOperationException(
            $"Function {function}: parameter {p.Name} ({p.ParameterType.Name}) is not bound the same way by the worker and standalone mode."))];
}

internal enum ParameterBinding
{
    HttpRequest,
    RouteValue,
    CancellationToken,
    QueueMessage,
    DequeueCount,
    MessageId,
    InsertionTime,
    Timer,
}

internal abstract record FunctionDefinition(string Name, MethodInfo Method, IReadOnlyList<ParameterBinding> Parameters);

internal sealed record HttpFunction(
    string Name, MethodInfo Method, IReadOnlyList<ParameterBinding> Parameters, string Route, IReadOnlyList<string> HttpMethods, bool RequiresApiKey, string? FaultCode)
    : FunctionDefinition(Name, Method, Parameters)
{
    /// <summary>The catch-all function answers what no other route serves.</summary>
    public bool IsCatchAll => Pattern.Parameters is [{ IsCatchAll: true }] && Pattern.PathSegments.Count == 1;

    public RoutePattern Pattern { get; } = RoutePatternFactory.Parse(Route);

    internal TemplateMatcher Matcher { get; } = new(TemplateParser.Parse(Route), []);

    public static HttpFunction Create(string name, MethodInfo method, HttpTriggerAttribute trigger)
    {
        var route = trigger.Route ?? name;
        var pattern = RoutePatternFactory.Parse(route);
        var parameters = FunctionCatalog.Bind(name, method.GetParameters(), p =>
            p.ParameterType == typeof(HttpRequest) ? ParameterBinding.HttpRequest
            : p.ParameterType == typeof(CancellationToken) ? ParameterBinding.CancellationToken
            : p.ParameterType == typeof(string) && pattern.GetParameter(p.Name!) is not null ? ParameterBinding.RouteValue
            : null);
        var requiresKey = Attribute<RequireApiKeyAttribute>(method) is not null;
        var methods = (trigger.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToList();
        return new HttpFunction(name, method, parameters, route, methods, requiresKey, Attribute<FaultCodeAttribute>(method)?.ErrorCode);
    }

    /// <summary>An attribute on the method, else on its class.</summary>
    public static T? Attribute<T>(MethodInfo method)
        where T : Attribute =>
        method.GetCustomAttribute<T>() ?? method.DeclaringType?.GetCustomAttribute<T>();
}

internal sealed record QueueFunction(string Name, MethodInfo Method, string QueueName, IReadOnlyList<ParameterBinding> Parameters)
    : FunctionDefinition(Name, Method, Parameters)
{
    /// <summary>The message text (Base64-decoded by both hosts) and the trigger metadata the worker binds by parameter name.</summary>
    public static ParameterBinding? Binds(ParameterInfo p) => p switch
    {
        _ when p.GetCustomAttribute<QueueTriggerAttribute>() is not null && p.ParameterType == typeof(string) => ParameterBinding.QueueMessage,
        { Name: "dequeueCount" } when p.ParameterType == typeof(long) => ParameterBinding.DequeueCount,
        { Name: "id" } when p.ParameterType == typeof(string) => ParameterBinding.MessageId,
        { Name: "insertionTime" } when p.ParameterType == typeof(DateTimeOffset) => ParameterBinding.InsertionTime,
        _ when p.ParameterType == typeof(CancellationToken) => ParameterBinding.CancellationToken,
        _ => null,
    };
}

internal sealed record TimerFunction(string Name, MethodInfo Method, string Schedule, IReadOnlyList<ParameterBinding> Parameters)
    : FunctionDefinition(Name, Method, Parameters)
{
    public static ParameterBinding? Binds(ParameterInfo p) =>
        p.ParameterType == typeof(TimerInfo) ? ParameterBinding.Timer
        : p.ParameterType == typeof(CancellationToken) ? ParameterBinding.CancellationToken
        : null;
}
