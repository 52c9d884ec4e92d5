using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace StepUp.Server.Tests.Infrastructure;

/// <summary>
/// One StepUp server per test class: a fresh SQLite file and a private copy of the policy in a
/// temporary directory, the bootstrap key <see cref="AdminKey"/>.
/// </summary>
public class ServerFixture : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-bootstrap-key-0123456789";

    public ServerFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("stepup-server-").FullName;
        PolicyPath = Path.Combine(Directory, "policy.yaml");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml"), PolicyPath);
    }

    public string Directory { get; }

    public string PolicyPath { get; }

    public string DatabasePath => Path.Combine(Directory, "stepup.db");

    /// <summary>Extra configuration a derived fixture adds.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("StepUp:ApiKey", AdminKey);
        builder.UseSetting("StepUp:PolicyPath", PolicyPath);
        builder.UseSetting("StepUp:Storage:ConnectionString", $"Data Source={DatabasePath}");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client that sends the given key (the bootstrap key by default).</summary>
    public HttpClient Client(string? key = AdminKey)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Creates an API key through the API and returns its secret.</summary>
    public async Task<string> CreateKeyAsync(string app, params string[] scopes)
    {
        var response = await Client().PostAsJsonAsync("/v1/apikeys", new { name = "test " + app, app, scopes });
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        return json!["key"]!.GetValue<string>();
    }

    /// <summary>All audit events, oldest first, through the API.</summary>
    public async Task<List<JsonObject>> AllEventsAsync(string? type = null)
    {
        var events = new List<JsonObject>();
        string? cursor = null;
        var client = Client();
        do
        {
            var url = "/v1/audit/events?limit=1000" + (type is null ? string.Empty : "&type=" + type) + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await client.GetFromJsonAsync<JsonObject>(url);
            events.AddRange(page!["events"]!.AsArray().Select(e => e!.AsObject()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        events.Reverse();
        return events;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a file may still be held by a finishing writer
            }
        }
    }
}
