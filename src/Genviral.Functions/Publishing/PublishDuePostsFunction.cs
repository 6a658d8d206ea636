using Genviral.Core.Publishing;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Publishing;

/// <summary>
/// Timer function: one dispatcher tick. Every tick reads everything in the due index up to now, so a past-due run
/// (the app was down) catches up on all that is overdue by itself; IsPastDue only changes what is logged.
/// </summary>
internal sealed partial class PublishDuePostsFunction(PostDispatcher dispatcher, ILogger<PublishDuePostsFunction> logger)
{
    [Function(nameof(PublishDuePosts))]
    public async Task PublishDuePosts([TimerTrigger("%PublishDuePostsSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await dispatcher.RunAsync(cancellationToken);
        LogTick(logger, timer.IsPastDue, result.Entries, result.Posts, result.Attempts);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PublishDuePosts (past due: {IsPastDue}) read {Entries} due entries of {Posts} posts, made {Attempts} attempts")]
    private static partial void LogTick(ILogger logger, bool isPastDue, int entries, int posts, int attempts);
}
