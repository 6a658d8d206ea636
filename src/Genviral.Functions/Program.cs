using Genviral.Core.Storage;
using Genviral.Functions.Accounts;
using Genviral.Functions.Analytics;
using Genviral.Functions.Api;
using Genviral.Functions.Auth;
using Genviral.Functions.Hosting;
using Genviral.Functions.Posts;
using Genviral.Functions.Service;
using Genviral.Functions.Subscriptions;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
builder.AddGenviralApi();

var app = builder.Build();
if (app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.CreateResources)
{
    await app.Services.GetRequiredService<StorageClients>().CreateResourcesAsync(CancellationToken.None);
}

app.UseExceptionHandler();
app.UseStatusCodePages(StatusCodeEnvelope.WriteAsync);
app.UseRouting();
app.UseMiddleware<ApiKeyMiddleware>();

app.MapService();
app.MapApiDocument();
app.MapGroup(ApiRoutes.Base)
    .RequireApiKey()
    .ProducesErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status402PaymentRequired, StatusCodes.Status403Forbidden)
    .MapAccounts()
    .MapSubscription()
    .MapPosts()
    .MapAnalytics();
if (HostingMode.IsCustomHandler(app.Configuration))
{
    app.MapTriggerFunctions();
}

await app.RunAsync();

// Public so WebApplicationFactory<Program> in the tests can start the real app.
public partial class Program;
