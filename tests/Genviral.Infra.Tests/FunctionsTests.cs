using System.Globalization;
using System.Text.Json;
using Genviral.Core.Storage;
using Genviral.Testing;

namespace Genviral.Infra.Tests;

/// <summary>The bindings the worker reports to the host, and host.json, agree with what Bicep provisions and configures.</summary>
public sealed class FunctionsTests
{
    private static readonly IReadOnlyList<AppSetting> BicepSettings = BicepSource.LoadInfra().AppSettings();

    public static TheoryData<string> QueueTriggerFunctions() => [.. WorkerMetadata.Functions.Where(f => f.Type == "queueTrigger").Select(f => f.Name)];

    /// <summary>Every <c>%Setting%</c> a trigger attribute names: the host resolves each from the app settings.</summary>
    public static TheoryData<string> TriggerSettings() =>
        [.. WorkerMetadata.Functions.SelectMany(f => f.Trigger.EnumerateObject())
            .Where(p => p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() is ['%', .., '%'])
            .Select(p => p.Value.GetString()!.Trim('%'))
            .Distinct(StringComparer.Ordinal)];

    [Fact]
    public void WorkerMetadata_HasQueueAndTimerFunctions()
    {
        Assert.Contains(WorkerMetadata.Functions, f => f.Type == "queueTrigger");
        Assert.Contains(WorkerMetadata.Functions, f => f.Type == "timerTrigger");
        Assert.NotEmpty(TriggerSettings());
    }

    [Theory]
    [MemberData(nameof(QueueTriggerFunctions))]
    public void QueueTrigger_QueueName_IsADeclaredStorageQueue(string function)
    {
        var queue = WorkerMetadata.Functions.Single(f => f.Name == function).Get("queueName");

        Assert.Contains(queue, StorageNames.Queues);
    }

    [Theory]
    [MemberData(nameof(QueueTriggerFunctions))]
    public void QueueTrigger_Connection_IsTheIdentityBasedHostConnection(string function)
    {
        // Bicep configures only AzureWebJobsStorage__*; any other connection name would have no settings in Azure.
        var connection = WorkerMetadata.Functions.Single(f => f.Name == function).Get("connection") ?? "AzureWebJobsStorage";

        Assert.Equal("AzureWebJobsStorage", connection);
    }

    [Theory]
    [MemberData(nameof(TriggerSettings))]
    public void TriggerSetting_IsInLocalSettingsSampleAndBicep(string setting)
    {
        Assert.Contains(setting, LocalSettings.SampleValues().Keys);
        Assert.Contains(BicepSettings, s => s.Name == setting);
    }

    [Theory]
    [InlineData("maxDequeueCount", "Queues__MaxDequeueCount")]
    [InlineData("visibilityTimeout", "Queues__VisibilityTimeout")]
    [InlineData("maxPollingInterval", "Queues__MaxPollingInterval")]
    public void Bicep_QueueSetting_EqualsHostJson(string hostJsonKey, string appSetting)
    {
        var expected = HostJsonQueues().GetProperty(hostJsonKey);

        var actual = Assert.Single(BicepSettings, s => s.Name == appSetting).Value;

        Assert.NotNull(actual);
        if (expected.ValueKind == JsonValueKind.Number)
        {
            Assert.Equal(expected.GetInt32(), int.Parse(actual, CultureInfo.InvariantCulture));
        }
        else
        {
            Assert.Equal(TimeSpan.Parse(expected.GetString()!, CultureInfo.InvariantCulture), TimeSpan.Parse(actual, CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void HostJson_MaxDequeueCount_IsTheAppsLastAttemptRule()
    {
        var hostMax = HostJsonQueues().GetProperty("maxDequeueCount").GetInt32();
        var rule = new QueueOptions();

        // The attempt the host will poison after must be the one the functions treat as the last.
        Assert.Equal(rule.MaxDequeueCount, hostMax);
        Assert.True(rule.IsLastAttempt(hostMax));
        Assert.False(rule.IsLastAttempt(hostMax - 1));
    }

    [Fact]
    public void HostJson_IsAnIsolatedWorkerHostConfiguration()
    {
        using var host = JsonDocument.Parse(Repo.Read("host.json"));
        var root = host.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.False(root.TryGetProperty("customHandler", out _));
        Assert.False(root.TryGetProperty("extensionBundle", out _));
        Assert.Equal("", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("base64", HostJsonQueues().GetProperty("messageEncoding").GetString());
    }

    private static JsonElement HostJsonQueues()
    {
        using var host = JsonDocument.Parse(Repo.Read("host.json"));
        return host.RootElement.GetProperty("extensions").GetProperty("queues").Clone();
    }
}
