using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using StepUp.Core.Audit.Sinks;
using static StepUp.Server.Tests.Audit.Sinks.SinkTestKit;

namespace StepUp.Server.Tests.Audit.Sinks;

/// <summary>The syslog sink against a real rsyslogd on loopback high ports, over UDP and TCP.</summary>
public class SyslogSinkTests
{
    [Fact]
    public async Task Syslog_DeliversToRsyslog_OverUdpAndTcp_AsStrictRfc5424()
    {
        await using var rsyslog = await RsyslogServer.StartAsync();
        await using var server = new SinkServer(
            Syslog(0, "syslog-udp", "udp", rsyslog.UdpPort)
                .Concat(Syslog(1, "syslog-tcp", "tcp", rsyslog.TcpPort)));
        using var client = server.Client();

        var escaped = await DecideAsync(client, Transfer("al\"i\\ce]"));
        var unicode = await DecideAsync(client, Transfer("zoë", frozen: true));
        var large = await DecideAsync(client, Transfer("mallory", note: new string('x', 4000)));
        string[] ids = [escaped, unicode, large];
        var logged = (await server.AllEventsAsync("decision.evaluated")).ToDictionary(e => e["id"]!.GetValue<string>());
        var hostname = Rfc5424.HeaderField(Dns.GetHostName(), Rfc5424.MaxHostnameLength);

        foreach (var protocol in (string[])["udp", "tcp"])
        {
            var raw = await rsyslog.WaitForLinesAsync(protocol + ".raw", 3, TimeSpan.FromSeconds(30));
            var parsedByRsyslog = await rsyslog.WaitForLinesAsync(protocol + ".parsed", 3, TimeSpan.FromSeconds(30));
            Assert.Equal(3, raw.Length);
            var messages = raw.Select(Rfc5424Parser.Parse).ToList();
            var byId = messages.ToDictionary(m => m.StructuredData.Single().Params["id"]);
            Assert.Equal(ids.ToHashSet(), byId.Keys.ToHashSet());
            if (protocol == "tcp")
            {
                Assert.Equal(ids, messages.Select(m => m.StructuredData.Single().Params["id"]));
            }

            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                var sd = message.StructuredData.Single();
                var evt = logged[sd.Params["id"]];
                var deny = evt["outcome"]!.GetValue<string>() == "deny";
                Assert.Equal(1, message.Version);
                Assert.Equal(SyslogFacility.AuthPriv, message.Facility);
                Assert.Equal(deny ? 4 : 6, message.Severity);
                Assert.Equal(evt["time"]!.GetValue<string>(), message.Timestamp);
                Assert.Equal(hostname, message.Hostname);
                Assert.Equal("stepup", message.AppName);
                Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), message.ProcId);
                Assert.Equal("decision.evaluated", message.MsgId);
                Assert.Equal("stepup@32473", sd.Id);
                Assert.Equal(evt["seq"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture), sd.Params["seq"]);
                Assert.Equal(evt["hash"]!.GetValue<string>(), sd.Params["hash"]);
                Assert.True(message.Bom, "MSG is UTF-8 and starts with the BOM");
                var json = JsonNode.Parse(message.Msg!)!.AsObject();

                var truncated = protocol == "udp" && sd.Params["id"] == large;
                if (truncated)
                {
                    // Over UDP the 6 KB event does not fit 2048 bytes: the envelope goes, marked truncated.
                    Assert.True(System.Text.Encoding.UTF8.GetByteCount(raw[i]) <= SyslogMessageFormatter.MaxUdpMessageBytes);
                    Assert.Equal(["seq", "id", "hash", "truncated"], sd.Params.Keys);
                    Assert.Equal("true", sd.Params["truncated"]);
                    Assert.True(json["truncated"]!.GetValue<bool>());
                    Assert.Equal(evt["hash"]!.GetValue<string>(), json["hash"]!.GetValue<string>());
                    Assert.Equal(evt["seq"]!.GetValue<long>(), json["seq"]!.GetValue<long>());
                }
                else
                {
                    Assert.Equal(evt["subject"]!["id"]!.GetValue<string>(), sd.Params["subject"]);
                    Assert.Equal(evt["outcome"]!.GetValue<string>(), sd.Params["outcome"]);
                    Assert.Equal(evt["app"]!.GetValue<string>(), sd.Params["app"]);
                    Assert.Equal("payments.transfer", sd.Params["action"]);
                    Assert.True(JsonNode.DeepEquals(evt, json), $"{protocol}: MSG is the event as exported");
                }

                // rsyslog's own RFC 5424 parser agrees on every header field and the structured data.
                var fields = parsedByRsyslog[i].Split('|', 7);
                Assert.Equal(
                    [message.Facility.ToString(CultureInfo.InvariantCulture), message.Severity.ToString(CultureInfo.InvariantCulture), message.Hostname, message.AppName, message.ProcId, message.MsgId, message.StructuredDataText],
                    fields);
            }
        }

        Assert.Contains("subject=\"al\\\"i\\\\ce\\]\"", rsyslog.Lines("tcp.raw")[0], StringComparison.Ordinal);
        Assert.Contains("subject=\"zoë\"", rsyslog.Lines("tcp.raw")[1], StringComparison.Ordinal);
        Assert.Contains(new string('x', 4000), rsyslog.Lines("tcp.raw")[2], StringComparison.Ordinal);

        foreach (var name in (string[])["syslog-udp", "syslog-tcp"])
        {
            var status = await WaitForStatusAsync(client, name, s => s["lag"]!.GetValue<long>() == 0, "caught up");
            Assert.Equal(0, status["failures"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task SyslogTcp_ReconnectsAfterTheReceiverRestarts_WithoutLosingEvents()
    {
        var rsyslog = await RsyslogServer.StartAsync();
        var port = rsyslog.TcpPort;
        await using var server = new SinkServer(Syslog(0, "tcp", "tcp", port));
        using var client = server.Client();
        var before = await DecideAsync(client, Transfer("before"));
        await rsyslog.WaitForLinesAsync("tcp.raw", 1, TimeSpan.FromSeconds(30));
        await rsyslog.DisposeAsync();

        // The receiver is gone: the sink notices (closed connection or refused) and keeps the backlog.
        var during = await DecideAsync(client, Transfer("during"));
        await WaitForStatusAsync(client, "tcp", s => s["failures"]!.GetValue<int>() >= 1, "a failed attempt while rsyslog is down");

        await using var restarted = await RsyslogServer.StartAsync(port);
        var after = await DecideAsync(client, Transfer("after"));
        var lines = await restarted.WaitForLinesAsync("tcp.raw", 2, TimeSpan.FromSeconds(60));
        var delivered = lines.Select(l => Rfc5424Parser.Parse(l).StructuredData.Single().Params["id"]).ToList();
        Assert.Equal([during, after], delivered.Distinct());
        Assert.DoesNotContain(before, delivered);
    }

    private static IEnumerable<KeyValuePair<string, string>> Syslog(int index, string name, string protocol, int port) =>
        Sink(index, ("Name", name), ("Type", "syslog"), ("Host", "127.0.0.1"), ("Port", port.ToString(CultureInfo.InvariantCulture)), ("Protocol", protocol))
            .Concat(Types(index, "decision.*"));
}
