using System.Text.Json;
using Genviral.Functions.Hosting;

namespace Genviral.Functions.Tests.Hosting;

/// <summary>Payloads shaped exactly like the Functions host's custom-handler invocations, quirks included.</summary>
public sealed class TriggerEnvelopeTests
{
    private const string MessageJson = "{\"public_id\":\"gva_live_0123456789ab\",\"used_at\":\"2026-11-23T10:00:00.000Z\"}";

    [Fact]
    public void TryParseQueue_HostPayloadWithDoubleEncodedValues_ReadsBodyAndMetadata()
    {
        // What the host sends: every string binding value JSON-serialized once more, DequeueCount as a string,
        // and Id/PopReceipt wrapped in extra quotes.
        var data = JsonSerializer.Serialize(JsonSerializer.Serialize(MessageJson));
        var payload = """
            {"Data":{"message":@@0@@},
             "Metadata":{"DequeueCount":"2","ExpirationTime":"\"2026-11-30T10:00:00+00:00\"","Id":"\"4e77c4a5-0000-4f3b-9e3b-1f2e3d4c5b6a\"",
                         "InsertionTime":"\"2026-11-23T10:00:00+00:00\"","NextVisibleTime":"\"2026-11-23T10:10:00+00:00\"","PopReceipt":"\"AgAAAAMAAAA\"",
                         "sys":{"MethodName":"RecordKeyUsage","UtcNow":"2026-11-23T10:00:01.123Z","RandGuid":"2f5a0c1e-0000-4000-8000-000000000000"}}}
            """.Replace("@@0@@", (data).ToString(), StringComparison.Ordinal);

        var parsed = TriggerEnvelope.TryParseQueue(Parse(payload), 5, out var message);

        Assert.True(parsed);
        Assert.Equal(MessageJson, message.Body);
        Assert.Equal(2, message.DequeueCount);
        Assert.Equal("4e77c4a5-0000-4f3b-9e3b-1f2e3d4c5b6a", message.Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), message.InsertionTime);
        Assert.False(message.IsLastAttempt);
    }

    [Fact]
    public void TryParseQueue_DocumentedShapeWithNumbers_ReadsIt()
    {
        var payload = """{"Data":{"msg":@@0@@},"Metadata":{"DequeueCount":5,"Id":"abc"}}""".Replace("@@0@@", (JsonSerializer.Serialize(MessageJson)).ToString(), StringComparison.Ordinal);

        Assert.True(TriggerEnvelope.TryParseQueue(Parse(payload), 5, out var message));

        Assert.Equal(MessageJson, message.Body);
        Assert.Equal(5, message.DequeueCount);
        Assert.Equal("abc", message.Id);
        Assert.True(message.IsLastAttempt);
    }

    [Fact]
    public void TryParseQueue_ObjectValue_UsesItsJson()
    {
        var payload = """{"Data":{"message":@@0@@},"Metadata":{}}""".Replace("@@0@@", (MessageJson).ToString(), StringComparison.Ordinal);

        Assert.True(TriggerEnvelope.TryParseQueue(Parse(payload), 5, out var message));

        Assert.Equal("gva_live_0123456789ab", JsonDocument.Parse(message.Body).RootElement.GetProperty("public_id").GetString());
        Assert.Equal(1, message.DequeueCount);
    }

    [Fact]
    public void TryParseQueue_StillBase64_DecodesIt()
    {
        var base64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(MessageJson));
        var payload = """{"Data":{"message":"@@0@@"},"Metadata":{"DequeueCount":"1"}}""".Replace("@@0@@", (base64).ToString(), StringComparison.Ordinal);

        Assert.True(TriggerEnvelope.TryParseQueue(Parse(payload), 5, out var message));

        Assert.Equal(MessageJson, message.Body);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"Data\":{}}")]
    [InlineData("{\"Data\":\"x\"}")]
    [InlineData("{\"Data\":{\"message\":42}}")]
    public void TryParseQueue_NotAnEnvelope_ReturnsFalse(string payload)
    {
        Assert.False(TriggerEnvelope.TryParseQueue(Parse(payload), 5, out _));
    }

    [Fact]
    public void TryParseTimer_HostPayload_ReadsPastDueAndSchedule()
    {
        const string payload = """
            {"Data":{"timer":{"Schedule":{"AdjustForDST":true},
              "ScheduleStatus":{"Last":"2026-11-23T09:00:00+00:00","Next":"2026-11-23T10:00:00+00:00","LastUpdated":"2026-11-23T09:00:00+00:00"},
              "IsPastDue":true}},
             "Metadata":{"sys":{"MethodName":"PublishDuePosts","UtcNow":"2026-11-23T10:03:00Z","RandGuid":"x"}}}
            """;

        Assert.True(TriggerEnvelope.TryParseTimer(Parse(payload), out var timer));

        Assert.True(timer.IsPastDue);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), timer.Last);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), timer.Next);
    }

    [Fact]
    public void TryParseTimer_NullScheduleStatusAndStringValue_IsTolerated()
    {
        var inner = JsonSerializer.Serialize("{\"Schedule\":{},\"ScheduleStatus\":null,\"IsPastDue\":\"false\"}");
        var payload = """{"Data":{"timer":@@0@@},"Metadata":{}}""".Replace("@@0@@", (inner).ToString(), StringComparison.Ordinal);

        Assert.True(TriggerEnvelope.TryParseTimer(Parse(payload), out var timer));

        Assert.False(timer.IsPastDue);
        Assert.Null(timer.Last);
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
