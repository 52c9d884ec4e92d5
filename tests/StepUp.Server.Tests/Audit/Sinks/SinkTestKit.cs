using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StepUp.Server.Audit.Sinks;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Audit.Sinks;

/// <summary>An in-process server with audit sinks configured and, optionally, a fake clock.</summary>
internal sealed class SinkServer(IEnumerable<KeyValuePair<string, string>> settings, TimeProvider? clock = null) : ServerFixture
{
    private IHost? _host;

    protected override IEnumerable<KeyValuePair<string, string>> Settings => settings;

    protected override IHost CreateHost(IHostBuilder builder)
    {
        _host = base.CreateHost(builder);
        return _host;
    }

    /// <summary>
    /// Stops the sink loops before the host stops. WebApplicationFactory and Program's app.Run()
    /// both stop the host at once; a hosted service that takes a while to stop (a sink cancelling
    /// an HTTP call) lets one of them dispose the services while the other still stops them.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.Services.GetRequiredService<AuditSinkHost>().StopAsync(CancellationToken.None);
        }

        try
        {
            await base.DisposeAsync();
        }
        catch (ObjectDisposedException ex) when (ex.StackTrace?.Contains("PolicyReloader.StopAsync", StringComparison.Ordinal) == true)
        {
            // The same race from the other side: Program's app.Run() disposed the services while
            // WebApplicationFactory was still stopping them, and PolicyReloader cannot be stopped
            // after its disposal. Not a sink problem; clean up what ServerFixture would have.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }
}

/// <summary>Configuration, decisions and polling shared by the sink tests.</summary>
internal static class SinkTestKit
{
    public const string Secret = "whsec_sink_tests_0123456789";

    public static IEnumerable<KeyValuePair<string, string>> Sink(int index, params (string Key, string Value)[] values) =>
        values.Select(v => KeyValuePair.Create($"StepUp:Audit:Sinks:{index}:{v.Key}", v.Value));

    public static IEnumerable<KeyValuePair<string, string>> Types(int index, params string[] patterns) =>
        patterns.Select((p, i) => KeyValuePair.Create($"StepUp:Audit:Sinks:{index}:Types:{i}", p));

    public static IEnumerable<KeyValuePair<string, string>> Webhook(int index, string name, Uri url, params string[] types) =>
        Sink(index, ("Name", name), ("Type", "webhook"), ("Url", url.ToString()), ("Secret", Secret)).Concat(Types(index, types));

    /// <summary>Command-line form (<c>--key=value</c>) for <see cref="ServerProcess"/>.</summary>
    public static string[] Arguments(IEnumerable<KeyValuePair<string, string>> settings) =>
        settings.Select(s => $"--{s.Key}={s.Value}").ToArray();

    public static object Transfer(string subject, int amount = 12000, bool frozen = false, string? note = null) => new
    {
        subject = new { id = subject, session_id = "s-" + subject.Length, attributes = new { frozen } },
        action = "payments.transfer",
        resource = new { type = "transfer", id = "t-9", attributes = new { amount, note = note ?? "" } },
        context = new { ip = "81.2.69.142", device_id = "d-1" },
    };

    /// <summary>Asks for a decision and returns its id (the id of its <c>decision.evaluated</c> event).</summary>
    public static async Task<string> DecideAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/v1/decisions", request);
        response.EnsureSuccessStatusCode();
        var decision = await response.Content.ReadFromJsonAsync<JsonObject>();
        return decision!["decision_id"]!.GetValue<string>();
    }

    public static async Task<JsonObject> SinkStatusAsync(HttpClient client, string name)
    {
        var json = await client.GetFromJsonAsync<JsonObject>("/v1/audit/sinks");
        return json!["sinks"]!.AsArray().Select(s => s!.AsObject()).Single(s => s["name"]!.GetValue<string>() == name);
    }

    public static async Task<JsonObject> WaitForStatusAsync(HttpClient client, string name, Func<JsonObject, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var status = await SinkStatusAsync(client, name);
            if (condition(status))
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for sink {name}: {what}; status {status.ToJsonString()}");
            }

            await Task.Delay(25);
        }
    }

    public static DateTimeOffset Time(JsonNode? node) => DateTimeOffset.Parse(node!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
}
