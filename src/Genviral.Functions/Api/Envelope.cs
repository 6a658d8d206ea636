using System.Text.Json.Serialization;

namespace Genviral.Functions.Api;

/// <summary>The success envelope of every API answer; <c>code</c> always equals the HTTP status.</summary>
internal sealed record Envelope<T>(bool Ok, int Code, string Message, T Data);

/// <summary>The failure envelope: no <c>data</c>, always an <c>error_code</c>.</summary>
internal sealed record ErrorEnvelope(
    bool Ok,
    int Code,
    string Message,
    string ErrorCode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FieldIssue>? Issues = null);

/// <summary>One validation problem of a request body, named by its JSON path.</summary>
internal sealed record FieldIssue(string Field, string Message);
