namespace Genviral.Functions.Tests.Infrastructure;

internal static class Poll
{
    /// <summary>Re-evaluates <paramref name="condition"/> until it holds or the bound passes; background work has no completion signal.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return await condition();
    }
}
