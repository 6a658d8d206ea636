namespace Genviral.Functions.Tests.Infrastructure;

internal static class Poll
{
    /// <summary>
    /// Re-evaluates <paramref name="condition"/> until it holds or the bound passes; background work has no completion
    /// signal. When it gives up, the warnings and errors the hosts' background work logged meanwhile go to the test output.
    /// </summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var mark = BackgroundLogs.Mark;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        if (await condition())
        {
            return true;
        }

        foreach (var line in BackgroundLogs.Since(mark))
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }

        return false;
    }
}
