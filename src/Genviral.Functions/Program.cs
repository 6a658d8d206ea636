using Genviral.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;

if (!WorkerHost.IsStartedByFunctionsHost(args))
{
    await StandaloneHost.RunAsync(args);
    return;
}

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ApiWorkerMiddleware>();
builder.AddGenviralApp();
var app = builder.Build();
await app.Services.CreateStorageResourcesAsync();
await app.RunAsync();

// Public so WebApplicationFactory<Program> in the tests can start the real app (standalone mode).
public partial class Program;
