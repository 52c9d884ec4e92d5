using System.Text.Json;

// The HTTP baseline for StepUp's POST /v1/decisions (bench/http/run.sh): the same host
// (WebApplication.CreateBuilder, Kestrel without the Server header, 1 MiB body limit), the same
// request body read and parsed with System.Text.Json's JsonDocument, a few fields checked, and a
// constant JSON answer of the same shape. No API key, no policy, no audit write: the cost of
// HTTP + JSON alone. See docs/benchmarks.md.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
});
var app = builder.Build();

var answer = """{"decision":"step_up","decision_id":"01BASELINE00000000000000000","rules":["large-transfer"],"reasons":["large-transfer: resource.attributes.amount >= 10000 || risk.new_device"],"risk":{"score":0,"level":"low","signals":[]},"required":{"level":"aal2","acr":"urn:stepup:aal2","methods":["webauthn","totp","recovery_code"],"max_age":300,"bind":"resource","once":true}}"""u8.ToArray();

app.MapGet("/healthz", () => Results.Text("ok"));
app.MapPost("/v1/decisions", async (HttpContext http) =>
{
    using var document = await JsonDocument.ParseAsync(http.Request.Body, new JsonDocumentOptions { MaxDepth = 24 }, http.RequestAborted);
    var root = document.RootElement;
    if (root.ValueKind != JsonValueKind.Object
        || !root.TryGetProperty("subject", out var subject) || !subject.TryGetProperty("id", out _)
        || !root.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    http.Response.ContentType = "application/json";
    http.Response.Headers.CacheControl = "no-store";
    await http.Response.Body.WriteAsync(answer, http.RequestAborted);
});

app.Run();
