using System.Globalization;
using System.Text.Json;
using Genviral.Core.Storage;

namespace Genviral.Infra.Tests;

/// <summary>function.json and host.json agree with what Bicep provisions and configures.</summary>
public sealed class FunctionsTests
{
    private static readonly IReadOnlyList<AppSetting> BicepSettings = BicepSource.LoadInfra().AppSettings();

    /// <summary>Every functions/*/function.json with a queueTrigger binding, found from the folders.</summary>
    public static TheoryData<string> QueueTriggerFunctions()
    {
        var data = new TheoryData<string>();
        foreach (var name in FunctionNames().Where(n => QueueTrigger(n) is not null))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(QueueTriggerFunctions))]
    public void QueueTrigger_QueueName_IsAStorageNamesQueue(string function)
    {
        var trigger = QueueTrigger(function)!.Value;

        var queue = trigger.GetProperty("queueName").GetString();

        Assert.Contains(queue, StorageNames.Queues);
    }

    [Theory]
    [MemberData(nameof(QueueTriggerFunctions))]
    public void QueueTrigger_Connection_IsTheIdentityBasedHostConnection(string function)
    {
        var trigger = QueueTrigger(function)!.Value;

        // Bicep configures only AzureWebJobsStorage__*; any other connection name would have no settings in Azure.
        var connection = trigger.TryGetProperty("connection", out var c) ? c.GetString() : "AzureWebJobsStorage";

        Assert.Equal("AzureWebJobsStorage", connection);
    }

    [Theory]
    [InlineData("maxDequeueCount", "Queues__MaxDequeueCount")]
    [InlineData("visibilityTimeout", "Queues__VisibilityTimeout")]
    [InlineData("maxPollingInterval", "Queues__MaxPollingInterval")]
    public void Bicep_QueueSetting_EqualsHostJson(string hostJsonKey, string appSetting)
    {
        using var host = JsonDocument.Parse(Repo.Read("host.json"));
        var expected = host.RootElement.GetProperty("extensions").GetProperty("queues").GetProperty(hostJsonKey);

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
    public void HostJson_CustomHandler_IsThePublishedExecutableThatPackageShMarksExecutable()
    {
        using var host = JsonDocument.Parse(Repo.Read("host.json"));
        var description = host.RootElement.GetProperty("customHandler").GetProperty("description");
        var assemblyName = System.Xml.Linq.XDocument.Load(Repo.PathOf("src", "Genviral.Functions", "Genviral.Functions.csproj"))
            .Descendants("AssemblyName").Select(e => e.Value).FirstOrDefault() ?? "Genviral.Functions";

        var executable = description.GetProperty("defaultExecutablePath").GetString();
        var packageScript = Repo.Read("scripts", "package.sh");

        // package.sh publishes into app/ and sets the executable bit on exactly this path.
        Assert.Equal($"app/{assemblyName}", executable);
        Assert.Equal("app", description.GetProperty("workingDirectory").GetString());
        Assert.Contains($"HANDLER={executable}", packageScript, StringComparison.Ordinal);
    }

    private static IEnumerable<string> FunctionNames() =>
        Directory.EnumerateDirectories(Repo.PathOf("functions"))
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    private static JsonElement? QueueTrigger(string function)
    {
        using var doc = JsonDocument.Parse(Repo.Read("functions", function, "function.json"));
        foreach (var binding in doc.RootElement.GetProperty("bindings").EnumerateArray())
        {
            if (binding.GetProperty("type").GetString() is { } type && type.Equals("queueTrigger", StringComparison.OrdinalIgnoreCase))
            {
                return binding.Clone();
            }
        }

        return null;
    }
}
