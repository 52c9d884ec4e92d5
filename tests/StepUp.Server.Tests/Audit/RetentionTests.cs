using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Server.Audit.Retention;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Audit;

public class RetentionFixture : ServerFixture
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("StepUp:Audit:Retention:Types:decision.evaluated", "00:00:00.001")];
}

public class RetentionTests(RetentionFixture server) : IClassFixture<RetentionFixture>
{
    [Fact]
    public async Task Retention_ErasesExpiredPayloads_KeepsEnvelopes_AndAuditsIt()
    {
        var client = server.Client();
        (await client.PostAsJsonAsync("/v1/decisions", new { subject = new { id = "old-user" }, action = "records.read" })).EnsureSuccessStatusCode();
        await Task.Delay(20); // older than the 1 ms retention of this fixture

        var erased = await server.Services.GetRequiredService<RetentionService>().RunOnceAsync(TestContext.Current.CancellationToken);
        Assert.True(erased >= 1);

        var events = await server.AllEventsAsync();
        var decision = events.First(e => e["type"]!.GetValue<string>() == "decision.evaluated");
        Assert.True(decision["erased"]!.GetValue<bool>());
        Assert.Null(decision["subject"]);
        var audit = events.Last(e => e["type"]!.GetValue<string>() == "audit.erased");
        Assert.Equal("retention", audit["reason"]!.GetValue<string>());
        Assert.Equal("decision.evaluated", audit["erasure"]!["type"]!.GetValue<string>());

        var verify = await client.GetFromJsonAsync<JsonObject>("/v1/audit/verify");
        Assert.True(verify!["ok"]!.GetValue<bool>());
    }
}
