namespace Genviral.Functions.Api;

/// <summary>The function needs a valid API key whose owner passes the plan gate (401, 402, 403 otherwise).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class RequireApiKeyAttribute : Attribute;

/// <summary>The error_code an unexpected fault in this function answers with (accounts_failed, get_failed, …), with a 500.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class FaultCodeAttribute(string errorCode) : Attribute
{
    public string ErrorCode { get; } = errorCode;
}

/// <summary>The envelope errors a function can answer, for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
internal sealed class ProducesErrorsAttribute(params int[] statuses) : Attribute
{
    public IReadOnlyList<int> Statuses { get; } = statuses;
}

/// <summary>The JSON request body a function reads itself (it takes the raw HttpRequest), for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class AcceptsJsonAttribute(Type requestType) : Attribute
{
    public Type RequestType { get; } = requestType;
}

/// <summary>An example body for the OpenAPI document: the request's when <see cref="Status"/> is 0, else the response's with that status.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
internal sealed class OpenApiExampleAttribute(int status, [System.Diagnostics.CodeAnalysis.StringSyntax("Json")] string json) : Attribute
{
    public const int Request = 0;

    public int Status { get; } = status;

    public string Json { get; } = json;
}
