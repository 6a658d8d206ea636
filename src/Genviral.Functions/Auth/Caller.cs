using System.Reflection;
using Genviral.Core.Auth;
using Genviral.Core.Tenancy;

namespace Genviral.Functions.Auth;

/// <summary>
/// The authenticated key and its owner's subscription, bound explicitly into handlers. Handlers take the
/// scope from here, never from anything the caller controls.
/// </summary>
internal sealed record Caller(ApiKey Key, Subscription Subscription)
{
    public Scope Scope => Key.Scope;

    // ApiKeyMiddleware has already run for every endpoint that asks for a Caller; a missing one is a bug.
    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<Caller?>(context.Features.Get<Caller>() ?? throw new InvalidOperationException("Endpoint is missing RequireApiKey()."));
}

/// <summary>Endpoint metadata: this endpoint needs a valid key whose owner passes the plan gate.</summary>
internal sealed class RequiresApiKeyMetadata
{
    public static readonly RequiresApiKeyMetadata Instance = new();
}

internal static class ApiKeyEndpointExtensions
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(RequiresApiKeyMetadata.Instance);
}
