using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StepUp.Server.Tests.Infrastructure;

/// <summary>
/// A webhook receiver on a free loopback port (real Kestrel), written the way a receiver should be:
/// it recomputes the HMAC over the raw body itself and rejects a stale <c>t</c> with 401. Answers
/// are scripted: the next N failures, then <see cref="Status"/>. Takes audit-sink batches and single alerts.
/// </summary>
internal sealed partial class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _secret;
    private readonly TimeProvider _clock;
    private readonly List<Request> _requests = [];
    private int _failNext;
    private int _failStatus;

    private WebhookReceiver(WebApplication app, byte[] secret, TimeProvider clock)
    {
        _app = app;
        _secret = secret;
        _clock = clock;
    }

    /// <summary>One received POST and what the receiver made of it.</summary>
    public sealed record Request(DateTimeOffset At, long? T, bool SignatureValid, string? DeliveryId, int Status, IReadOnlyList<JsonObject> Events);

    public Uri Url { get; private set; } = null!;

    /// <summary>The answer once the scripted failures are used up.</summary>
    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    public IReadOnlyList<Request> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Events of accepted (2xx, validly signed) requests, in arrival order, duplicates included.</summary>
    public IReadOnlyList<JsonObject> Accepted => Requests.Where(r => r.Status is >= 200 and < 300).SelectMany(r => r.Events).ToList();

    public static async Task<WebhookReceiver> StartAsync(string secret, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, Encoding.UTF8.GetBytes(secret), clock ?? TimeProvider.System);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/hook");
        return receiver;
    }

    /// <summary>Answers the next <paramref name="count"/> requests with <paramref name="status"/>.</summary>
    public void FailNext(int count, HttpStatusCode status = HttpStatusCode.InternalServerError)
    {
        lock (_requests)
        {
            _failNext = count;
            _failStatus = (int)status;
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds, or fails the test after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<WebhookReceiver, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}; received {Requests.Count} requests: " +
                    string.Join("; ", Requests.Select(r => $"{r.Status} [{string.Join(",", r.Events.Select(e => e["seq"]))}]")));
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var header = http.Request.Headers["X-StepUp-Signature"].ToString();
        var (t, valid) = Check(header, body);
        int status;
        lock (_requests)
        {
            if (!valid)
            {
                status = 401;
            }
            else if (_failNext > 0)
            {
                _failNext--;
                status = _failStatus;
            }
            else
            {
                status = (int)Status;
            }
        }

        // An audit sink POSTs { "events": [ … ] }; an alert webhook POSTs the one alert.raised event.
        var root = JsonNode.Parse(body)!.AsObject();
        var events = root["events"] is JsonArray batch ? batch.Select(e => e!.AsObject()).ToList() : [root];
        lock (_requests)
        {
            _requests.Add(new Request(_clock.GetUtcNow(), t, valid, http.Request.Headers["X-StepUp-Delivery"].ToString(), status, events));
        }

        http.Response.StatusCode = status;
    }

    /// <summary>Recomputes <c>HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")</c> and checks <c>t</c> is within 5 minutes.</summary>
    private (long? T, bool Valid) Check(string header, byte[] body)
    {
        var match = SignaturePattern().Match(header);
        if (!match.Success)
        {
            return (null, false);
        }

        var t = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var signed = Encoding.ASCII.GetBytes(match.Groups[1].Value + ".").Concat(body).ToArray();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(_secret, signed));
        var fresh = Math.Abs(_clock.GetUtcNow().ToUnixTimeSeconds() - t) <= 300;
        var same = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(match.Groups[2].Value));
        return (t, fresh && same);
    }

    [GeneratedRegex("^t=([0-9]+),v1=([0-9a-f]{64})$")]
    private static partial Regex SignaturePattern();
}
