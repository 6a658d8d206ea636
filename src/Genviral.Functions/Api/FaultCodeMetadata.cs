namespace Genviral.Functions.Api;

/// <summary>The error_code an endpoint documents for an unexpected fault (accounts_failed, get_failed, …).</summary>
internal sealed record FaultCodeMetadata(string ErrorCode);

internal static class EndpointErrorExtensions
{
    /// <summary>Declares the envelope errors an endpoint can answer, for the OpenAPI document.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorEnvelope), ["application/json"]));
        }

        return builder;
    }

    /// <summary>Names the error_code of an unexpected fault in this endpoint, and documents the 500.</summary>
    public static TBuilder WithFaultCode<TBuilder>(this TBuilder builder, string errorCode)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new FaultCodeMetadata(errorCode)).ProducesErrors(StatusCodes.Status500InternalServerError);
}
