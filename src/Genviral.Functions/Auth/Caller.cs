using Genviral.Core.Auth;
using Genviral.Core.Tenancy;

namespace Genviral.Functions.Auth;

/// <summary>
/// The authenticated key and its owner's subscription. Functions take the scope from here, never from anything
/// the caller controls.
/// </summary>
internal sealed record Caller(ApiKey Key, Subscription Subscription)
{
    public Scope Scope => Key.Scope;
}

internal static class CallerExtensions
{
    /// <summary>The caller the pipeline authenticated; a function that asks for one without RequireApiKey is a bug.</summary>
    public static Caller Caller(this HttpRequest request) =>
        request.HttpContext.Features.Get<Caller>() ?? throw new InvalidOperationException("The function is missing [RequireApiKey].");
}
