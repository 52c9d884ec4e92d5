using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using StepUp.AspNetCore.Tests.Infrastructure;

namespace StepUp.AspNetCore.Tests.Enforcement;

/// <summary>StepUp unreachable, hanging or refusing the key: fail closed (503) unless FailOpen, which runs the endpoint.</summary>
public sealed class FailureModeTests
{
    private static Uri Nowhere() => new("http://127.0.0.1:" + StepUpServerProcess.FreePort());

    [Fact]
    public async Task Unreachable_Answers503Problem_AndSkipsTheEndpoint()
    {
        await using var app = await TestApp.StartAsync(o => { o.Authority = Nowhere(); o.ApiKey = "k"; });

        var response = await app.GetAsync("/records/r-1", TestUser.New());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("urn:stepup:problem:unavailable", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["type"]!.GetValue<string>());
        Assert.Equal(0, app.Hits.Count);
    }

    [Fact]
    public async Task Unreachable_RunsTheEndpoint_WhenFailOpen()
    {
        await using var app = await TestApp.StartAsync(o => { o.Authority = Nowhere(); o.ApiKey = "k"; o.FailOpen = true; });

        var body = await StepUpFlow.AllowedAsync(await app.GetAsync("/records/r-1", TestUser.New()));

        Assert.Equal("FailOpen", body["source"]!.GetValue<string>());
        Assert.Null(body["decision_id"]);
        Assert.Equal(1, app.Hits.Count);
    }

    [Fact]
    public async Task Hanging_TimesOut_AndFailsClosed()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<TcpClient>();
        var acceptLoop = Task.Run(async () =>
        {
            // Accept and never answer.
            while (true)
            {
                accepted.Add(await silent.AcceptTcpClientAsync());
            }
        });
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Authority = new Uri("http://127.0.0.1:" + ((IPEndPoint)silent.LocalEndpoint).Port);
            o.ApiKey = "k";
            o.Timeout = TimeSpan.FromMilliseconds(300);
        });

        var started = System.Diagnostics.Stopwatch.StartNew();
        var response = await app.GetAsync("/records/r-1", TestUser.New());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        silent.Stop();
        foreach (var client in accepted)
        {
            client.Dispose();
        }

        _ = acceptLoop.Exception;
    }
}

/// <summary>A key StepUp does not know is a configuration error: 503 even with FailOpen.</summary>
[Collection(StepUpServerCollection.Name)]
public sealed class RefusedKeyTests(StepUpServerFixture fixture)
{
    [Fact]
    public async Task UnknownApiKey_FailsClosed_EvenWhenFailOpen()
    {
        await using var app = await TestApp.StartAsync(fixture, o => { o.ApiKey = "su_not-a-key"; o.FailOpen = true; });

        var response = await app.GetAsync("/records/r-1", TestUser.New());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, app.Hits.Count);
    }
}
