namespace Genviral.Functions.Tests.Infrastructure;

/// <summary>Real time shifted to begin at <paramref name="start"/>: timers fire on time, while the date a test sees is fixed.</summary>
internal sealed class RunningClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _shift = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _shift;
}
