using Genviral.Functions.Api;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Genviral.Functions.Hosting;

/// <summary>
/// The worker's side of <see cref="ApiPipeline"/>: for an HTTP function it runs the pipeline around the invocation and
/// hands its result back as the invocation result, which the worker's ASP.NET Core integration then executes.
/// Queue and timer invocations pass through untouched: an exception there is the host's signal to retry.
/// </summary>
internal sealed class ApiWorkerMiddleware(ApiPipeline pipeline, FunctionCatalog catalog) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (catalog.FindHttp(context.FunctionDefinition.Name) is not { } function || context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        var result = await pipeline.InvokeAsync(http, function, async () =>
        {
            await next(context);
            return context.GetInvocationResult().Value;
        });
        context.GetInvocationResult().Value = result;
    }
}
