namespace Genviral.Infra.Tests;

/// <summary>local.settings.sample.json (what a developer runs with) and the Bicep app settings (what Azure runs with) name the same settings.</summary>
public sealed class AppSettingsTests
{
    /// <summary>In the sample but deliberately never set in Azure.</summary>
    private static readonly Dictionary<string, string> LocalOnly = new(StringComparer.Ordinal)
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "Flex Consumption rejects it; the runtime is functionAppConfig.runtime (dotnet-isolated 10.0) in Bicep; `func start` reads it from local.settings.json.",
        ["AzureWebJobsStorage"] = "Locally the Azurite connection string; Azure uses the identity-based AzureWebJobsStorage__* settings instead.",
        ["Storage__ConnectionString"] = "Azurite only; in Azure the app must use the service URIs with the managed identity, and a connection string would win over them.",
    };

    /// <summary>Set in Azure for the Functions host or the platform, not read from configuration by the app.</summary>
    private static readonly Dictionary<string, string> AzureOnly = new(StringComparer.Ordinal)
    {
        ["AzureWebJobsStorage__blobServiceUri"] = "The host's identity-based storage connection; locally AzureWebJobsStorage covers it.",
        ["AzureWebJobsStorage__queueServiceUri"] = "As above.",
        ["AzureWebJobsStorage__tableServiceUri"] = "As above.",
        ["AzureWebJobsStorage__credential"] = "As above.",
        ["AzureWebJobsStorage__clientId"] = "As above.",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "Telemetry target in Azure; a local run has no Application Insights.",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "Entra auth for telemetry (local auth is disabled on the component).",
    };

    private static readonly IReadOnlyList<AppSetting> Bicep = BicepSource.LoadInfra().AppSettings();

    [Fact]
    public void Bicep_AppSettings_AreFound()
    {
        Assert.NotEmpty(Bicep);
    }

    [Fact]
    public void LocalSettingsSample_EverySettingTheAppReads_IsSetInBicep()
    {
        var sample = LocalSettings.SampleValues();

        var missing = sample.Keys.Where(k => !LocalOnly.ContainsKey(k) && Bicep.All(s => s.Name != k)).Order(StringComparer.Ordinal).ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Bicep_EveryAppSettingTheAppReads_IsInLocalSettingsSample()
    {
        var sample = LocalSettings.SampleValues();

        var missing = Bicep.Select(s => s.Name).Where(n => !AzureOnly.ContainsKey(n) && !sample.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Bicep_LocalOnlySettings_AreNotSet()
    {
        var present = Bicep.Select(s => s.Name).Where(LocalOnly.ContainsKey).ToList();

        Assert.Empty(present);
    }

    [Fact]
    public void Bicep_AppSettings_AreUnique()
    {
        var duplicates = Bicep.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.Empty(duplicates);
    }

    [Theory]
    [InlineData("Storage__CreateResources", "false")]
    [InlineData("Storage__Prefix", "")]
    [InlineData("AzureWebJobsStorage__credential", "managedidentity")]
    public void Bicep_AzureSpecificSetting_HasAzureValue(string name, string expected)
    {
        var setting = Assert.Single(Bicep, s => s.Name == name);

        Assert.Equal(expected, setting.Value);
    }
}
