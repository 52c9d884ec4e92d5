using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using static StepUp.Server.Tests.Audit.Sinks.SinkTestKit;

namespace StepUp.Server.Tests.Audit.Sinks;

/// <summary>A slow or dead sink never holds up decisions.</summary>
public class DeadSinkTests
{
    [Fact]
    public async Task Decisions_StayFast_WhileOneSinkHangsAndAnotherIsRefused()
    {
        // A webhook that accepts the connection and never answers, and a syslog/TCP port nobody listens on.
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var held = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                held.Add(await blackHole.AcceptSocketAsync());
            }
        });
        var closedPort = ClosedPort();
        await using var server = new SinkServer(
            Webhook(0, "hanging", new Uri($"http://127.0.0.1:{((IPEndPoint)blackHole.LocalEndpoint).Port}/hook"))
                .Concat(Sink(0, ("TimeoutSeconds", "300")))
                .Concat(Sink(1, ("Name", "refused"), ("Type", "syslog"), ("Host", "127.0.0.1"), ("Port", closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Protocol", "tcp"))));
        using var client = server.Client();
        await DecideAsync(client, Transfer("warmup"));

        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < 40; i++)
        {
            var one = Stopwatch.StartNew();
            await DecideAsync(client, Transfer("user-" + i));
            slowest = one.Elapsed > slowest ? one.Elapsed : slowest;
        }

        total.Stop();
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest decision took {slowest}");
        Assert.True(total.Elapsed < TimeSpan.FromSeconds(20), $"40 decisions took {total.Elapsed}");

        var refused = await WaitForStatusAsync(client, "refused", s => s["failures"]!.GetValue<int>() >= 1, "a refused attempt");
        Assert.Equal("tcp: ConnectionRefused", refused["last_error"]!.GetValue<string>());
        Assert.True(refused["lag"]!.GetValue<long>() >= 41, "the refused sink keeps its whole backlog");
        var hanging = await WaitForStatusAsync(client, "hanging", s => s["state"]!.GetValue<string>() == "delivering", "an attempt in flight");
        Assert.Equal(0, hanging["last_seq"]!.GetValue<long>());
        Assert.NotEmpty(held);

        blackHole.Stop();
        foreach (var socket in held)
        {
            socket.Dispose();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => accepting);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
