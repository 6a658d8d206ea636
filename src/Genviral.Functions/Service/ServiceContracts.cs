namespace Genviral.Functions.Service;

internal sealed record HealthData(string Status, string Storage, DateTimeOffset CheckedAt);

internal sealed record RootData(string Name, string Docs, string Openapi);
