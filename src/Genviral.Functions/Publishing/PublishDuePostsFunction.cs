using Genviral.Core.Publishing;
using Genviral.Functions.Hosting;

namespace Genviral.Functions.Publishing;

/// <summary>
/// Timer function: one dispatcher tick. Every tick reads everything in the due index up to now, so a past-due run
/// (the app was down) catches up on all that is overdue by itself; IsPastDue only changes what is logged.
/// </summary>
internal sealed partial class PublishDuePostsFunction(PostDispatcher dispatcher, IConfiguration configuration, ILogger<PublishDuePostsFunction> logger) : ITimerFunction
{
    /// <summary>The app setting function.json names as %PublishDuePostsSchedule%; the standalone timer reads the same one.</summary>
    public const string ScheduleSetting = "PublishDuePostsSchedule";

    public const string DefaultSchedule = "0 * * * * *";

    public string Name => "PublishDuePosts";

    public string Schedule => configuration[ScheduleSetting] is { Length: > 0 } schedule ? schedule : DefaultSchedule;

    public async Task RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await dispatcher.RunAsync(cancellationToken);
        LogTick(logger, timer.IsPastDue, result.Entries, result.Posts, result.Attempts);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PublishDuePosts (past due: {IsPastDue}) read {Entries} due entries of {Posts} posts, made {Attempts} attempts")]
    private static partial void LogTick(ILogger logger, bool isPastDue, int entries, int posts, int attempts);
}
