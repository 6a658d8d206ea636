using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Genviral.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace Genviral.Functions.Tests.Hosting;

/// <summary>Telemetry goes to Application Insights only where a connection string is set, signed in as the named identity.</summary>
public sealed class TelemetryTests
{
    [Theory]
    [InlineData("Authorization=AAD;ClientId=1b2c3d", "1b2c3d")]
    [InlineData(" ClientId = 9f ; Authorization=AAD ", "9f")]
    [InlineData("Authorization=AAD", null)]
    [InlineData("ClientId=", null)]
    [InlineData(null, null)]
    public void ClientId_FromAuthenticationString(string? authentication, string? expected)
    {
        Assert.Equal(expected, TelemetryIdentity.ClientId(authentication));
    }

    [Fact]
    public void AddGenviralApp_WithConnectionString_ExportsAsTheNamedManagedIdentity()
    {
        using var app = Build(new()
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/",
            ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "Authorization=AAD;ClientId=1b2c3d",
        });

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        var exporter = app.Services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
        Assert.IsType<ManagedIdentityCredential>(exporter.Credential);
    }

    [Fact]
    public void AddGenviralApp_WithoutConnectionString_ExportsNothing()
    {
        using var app = Build([]);

        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddGenviralApp();
        return builder.Build();
    }
}
