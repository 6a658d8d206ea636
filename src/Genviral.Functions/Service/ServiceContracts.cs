namespace Genviral.Functions.Service;

internal sealed record HealthData(string Status, string Storage, DateTimeOffset CheckedAt);
