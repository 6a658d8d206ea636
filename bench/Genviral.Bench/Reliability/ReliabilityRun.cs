using System.Globalization;

namespace Genviral.Bench.Reliability;

/// <summary>
/// The reliability harness: the six scenarios in order against one rig (sustained load, storage outage, the crash
/// phase's three, duplicate delivery). A scenario that throws is recorded as failed with the reason, and the run goes on.
/// </summary>
internal static class ReliabilityRun
{
    /// <summary>Scenario groups <c>--only</c> can name: load (1), outage (2, at the quick knee unless load ran), crash (3-5), duplicates (6).</summary>
    public static readonly string[] Groups = ["load", "outage", "crash", "duplicates"];

    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(ReliabilitySettings settings, IReadOnlySet<string> only, CancellationToken cancellationToken)
    {
        var results = new List<ScenarioResult>();
        await using var rig = await Rig.StartAsync(cancellationToken);
        var startUp = await rig.StartAppAsync(duplicateQueueMessages: false, cancellationToken);
        Rig.Progress(string.Create(CultureInfo.InvariantCulture, $"app started in {startUp.TotalSeconds:F1} s"));
        var tenants = await LoadScenarios.PrepareAsync(rig, cancellationToken);

        var knee = settings.MinConcurrency * 4;
        await StepAsync("load", "sustained_load", async () =>
        {
            var (result, found) = await LoadScenarios.SustainedAsync(rig, tenants, settings, cancellationToken);
            knee = found;
            return [result];
        });
        Func<Task>? auditOutageCredits = null;
        await StepAsync("outage", "storage_outage", async () =>
        {
            var (result, auditCredits) = await LoadScenarios.OutageAsync(rig, tenants, knee, settings, cancellationToken);
            auditOutageCredits = auditCredits;
            return [result];
        });
        await StepAsync("crash", "crash_during_media", () => CrashPhase.RunAsync(rig, settings, cancellationToken), "crash_during_publishing", "crash_during_refreshes");
        await StepAsync("duplicates", "duplicate_delivery", async () => [await DuplicateDelivery.RunAsync(rig, settings, cancellationToken)]);
        if (auditOutageCredits is not null)
        {
            Rig.Progress("storage_outage: credits and refreshes, once the recovery of an interrupted refresh is due");
            await auditOutageCredits();
        }

        return results;

        async Task StepAsync(string group, string name, Func<Task<IReadOnlyList<ScenarioResult>>> run, params string[] alsoNamed)
        {
            if (only.Count > 0 && !only.Contains(group))
            {
                return;
            }

            Rig.Progress(name + (alsoNamed.Length > 0 ? ", " + string.Join(", ", alsoNamed) : ""));
            try
            {
                var ran = await run();
                results.AddRange(ran);
                if (ran.Any(r => !r.Passed) && rig.App is { } current && !string.IsNullOrWhiteSpace(current.Tail))
                {
                    Console.Error.WriteLine("The app's last lines:" + Environment.NewLine + current.Tail);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine($"{name} failed: {e}");
                if (rig.App is { } app)
                {
                    Console.Error.WriteLine("The app's last lines:" + Environment.NewLine + app.Tail);
                }

                foreach (var failed in alsoNamed.Prepend(name))
                {
                    results.Add(new ScenarioResult(failed).Require(false, $"the scenario could not run: {e.GetType().Name}: {e.Message}"));
                }

                // The next scenario needs the app: start it again if it is gone.
                if (rig.App is null || rig.App.HasExited)
                {
                    await rig.StartAppAsync(duplicateQueueMessages: false, cancellationToken);
                }
            }
        }
    }
}
