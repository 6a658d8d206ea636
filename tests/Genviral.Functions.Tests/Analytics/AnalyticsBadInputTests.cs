using System.Text;
using System.Text.Json;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Analytics;

/// <summary>Every analytics route, with every method and a set of malformed bodies and queries: always an envelope, never a 5xx.</summary>
public sealed class AnalyticsBadInputTests(SharedAnalyticsFactory factory) : AnalyticsTestBase(factory)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    private static readonly string[] Bodies =
    [
        "", "{", "null", "[1,2]", "\"text\"", "\u0000\u0001binary", "{\"a\":" + new string('[', 200) + new string(']', 200) + "}",
        """{"platform":{"x":1},"identifier":["@a"],"alias":null}""",
        """{"platform":"tiktok","identifier":"@a\u0000b","alias":""}""",
        """{"displayName":{},"refreshPolicy":[],"favorite":null}""",
        """{"refreshPolicy":{"maxPosts":1e308,"freeDailyRefresh":null}}""",
    ];

    [Fact]
    public async Task AnyMalformedAnalyticsRequest_IsAnsweredWithAnEnvelopeAndNever5xx()
    {
        var (_, client) = await TenantAsync();
        var id = await CreateTargetIdAsync(client, "tiktok", "@fuzz");
        string[] paths =
        [
            Base + "/targets", $"{Base}/targets/{id}", $"{Base}/targets/{id}/refresh", $"{Base}/targets/%20%09", $"{Base}/targets/{new string('a', 2000)}/refresh",
            $"{Base}/refreshes/{Guid.NewGuid()}", $"{Base}/refreshes/%7C%7C", Base + "/summary?range=%ZZ&start=0000-00-00&end=9999-99-99",
            Base + "/summary/posts?limit=99999999999999999999&offset=1.5&sortBy=&platforms=,,,",
            Base + "/summary?accounts=" + string.Join(',', Enumerable.Range(0, 300)), Base + "/summary/posts?start=2026-02-30&end=2026-03-01",
        ];

        foreach (var path in paths)
        {
            foreach (var method in Methods)
            {
                foreach (var body in method == "GET" ? [""] : Bodies)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (method != "GET")
                    {
                        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    }

                    using var response = await client.SendAsync(request, Ct);

                    Assert.True((int)response.StatusCode < 500, $"{method} {path} {body} answered {(int)response.StatusCode}");
                    using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
                    Assert.Equal((int)response.StatusCode, document.RootElement.GetProperty("code").GetInt32());
                    if (!response.IsSuccessStatusCode)
                    {
                        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("error_code").GetString()));
                    }
                }
            }
        }
    }

    [Fact]
    public async Task BodyWithInvalidUtf8_EveryAnalyticsBodyRoute_Returns400InvalidJsonAndWritesNothing()
    {
        var (_, client) = await TenantAsync();
        var id = await CreateTargetIdAsync(client, "tiktok", "@utf8");
        var before = (await ListTargetsAsync(client)).ToString();
        (HttpMethod Method, string Path, string Json)[] routes =
        [
            (HttpMethod.Post, Base + "/targets", """{"platform":"instagram","identifier":"@new§","alias":"New"}"""),
            (HttpMethod.Patch, $"{Base}/targets/{id}", """{"displayName":"Renamed §","favorite":true}"""),
        ];

        foreach (var (method, path, json) in routes)
        {
            await InvalidUtf8.AssertRefusedAsync(client, method, path, json);
        }

        Assert.Equal(before, (await ListTargetsAsync(client)).ToString());
    }
}
