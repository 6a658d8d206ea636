using Genviral.Core.Storage;

namespace Genviral.Infra.Tests;

/// <summary>Bicep declares exactly the tables, queues (with poison queues) and containers in StorageNames: the app runs with Storage__CreateResources=false in Azure.</summary>
public sealed class StorageNamesTests
{
    private const string MainBicep = "infra/main.bicep";

    private static readonly BicepSource Bicep = BicepSource.LoadInfra();

    [Fact]
    public void Bicep_Tables_EqualStorageNamesTables()
    {
        var declared = Bicep.StringArray(MainBicep, "tableNames");

        Assert.Equal(Sorted(StorageNames.Tables), Sorted(declared));
    }

    [Fact]
    public void Bicep_Queues_EqualStorageNamesQueuesAndTheirPoisonQueues()
    {
        var expected = StorageNames.Queues.SelectMany(q => new[] { q, StorageNames.PoisonQueue(q) });

        var declared = Bicep.StringArray(MainBicep, "queueNames");

        Assert.Equal(Sorted(expected), Sorted(declared));
    }

    [Fact]
    public void Bicep_Containers_EqualStorageNamesContainers()
    {
        var declared = Bicep.StringArray(MainBicep, "containerNames");

        Assert.Equal(Sorted(StorageNames.Containers), Sorted(declared));
    }

    private static List<string> Sorted(IEnumerable<string> names) => [.. names.Order(StringComparer.Ordinal)];
}
