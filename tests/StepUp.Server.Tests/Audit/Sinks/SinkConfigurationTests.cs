using StepUp.Server.Audit.Sinks;
using StepUp.Server.Hosting;
using static StepUp.Server.Tests.Audit.Sinks.SinkTestKit;

namespace StepUp.Server.Tests.Audit.Sinks;

/// <summary>Sink configuration is checked at start, and every problem is reported at once.</summary>
public class SinkConfigurationTests
{
    [Fact]
    public async Task BadSinkConfiguration_StopsTheStart_ListingEveryProblem()
    {
        await using var server = new SinkServer(
            Sink(0, ("Type", "kafka"))
                .Concat(Sink(1, ("Name", "hook"), ("Type", "webhook"), ("Secret", "short"), ("TimeoutSeconds", "0")))
                .Concat(Types(1, "stepup.*"))
                .Concat(Sink(2, ("Name", "HOOK"), ("Type", "syslog"), ("Port", "70000"), ("Protocol", "sctp"), ("Facility", "local9"), ("AppName", "step up"), ("BatchSize", "0")))
                .Concat(Sink(3, ("Name", "web"), ("Type", "webhook"), ("Url", "ftp://example.com/x"), ("Secret", Secret), ("StartFrom", "middle"))));

        var error = Assert.ThrowsAny<Exception>(() => server.CreateClient());
        var message = error.ToString();
        foreach (var expected in (string[])[
            "StepUp:Audit:Sinks:0:Name: is required",
            "StepUp:Audit:Sinks:0:Type: 'kafka' is not webhook or syslog",
            "StepUp:Audit:Sinks:1:Url: is required for a webhook sink",
            "StepUp:Audit:Sinks:1:Secret: is required for a webhook sink, at least 16 characters",
            "StepUp:Audit:Sinks:1:TimeoutSeconds: must be 1 to 300",
            "StepUp:Audit:Sinks:1:Types: event type pattern 'stepup.*' matches no event type ('*' is one segment; did you mean 'stepup.**'?)",
            "StepUp:Audit:Sinks:2:Host: is required for a syslog sink",
            "StepUp:Audit:Sinks:2:Port: must be 1 to 65535",
            "StepUp:Audit:Sinks:2:Protocol: 'sctp' is not udp or tcp",
            "StepUp:Audit:Sinks:2:Facility: 'local9' is not a facility name",
            "StepUp:Audit:Sinks:2:AppName: must be 1 to 48 printable ASCII characters without spaces",
            "StepUp:Audit:Sinks:2:BatchSize: must be 1 to 1000",
            "StepUp:Audit:Sinks:2:Name: 'HOOK' is already the name of sink 1",
            "StepUp:Audit:Sinks:3:Url: must be an absolute http or https URL",
            "StepUp:Audit:Sinks:3:StartFrom: 'middle' is not beginning or end",
        ])
        {
            Assert.Contains(expected, message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Secret, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreAValidSyslogSink()
    {
        var errors = new List<string>();
        var sink = SinkDefinition.TryCreate(new AuditSinkOptions { Name = "s", Type = "syslog", Host = "localhost" }, 0, errors);
        Assert.Empty(errors);
        Assert.NotNull(sink);
        Assert.True(sink.Udp);
        Assert.Equal(514, sink.Port);
        Assert.Equal(10, sink.Facility);
        Assert.Equal("stepup", sink.AppName);
        Assert.True(sink.Utf8Bom);
        Assert.False(sink.StartAtEnd);
        Assert.Equal(100, sink.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(10), sink.Timeout);
    }

    [Theory]
    [InlineData(1, 0.5, 1)]
    [InlineData(2, 1, 2)]
    [InlineData(3, 2, 4)]
    [InlineData(9, 128, 256)]
    [InlineData(10, 150, 300)]
    [InlineData(1000, 150, 300)]
    public void Backoff_DoublesFromOneSecond_UpToFiveMinutes_WithJitterInTheUpperHalf(int failures, double min, double max)
    {
        Assert.Equal(TimeSpan.FromSeconds(max), SinkBackoff.Ceiling(failures));
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(SinkBackoff.Delay(failures, random).TotalSeconds, min, max);
        }
    }
}
