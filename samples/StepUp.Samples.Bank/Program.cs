using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using StepUp.AspNetCore;
using StepUp.Samples.Bank;

// A small bank that protects its sensitive actions with StepUp (docs/integration.md):
// a large transfer needs a fresh aal2 step-up bound to that exact transfer; creating an API key needs aal3.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // `dotnet run` serves wwwroot from the project; a build output started elsewhere serves its own copy.
    ContentRootPath = Directory.Exists("wwwroot") ? null : AppContext.BaseDirectory,
});
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
{
    o.LoginPath = "/login";
    o.Cookie.Name = "bank_session";
    o.Cookie.HttpOnly = true;
    o.Cookie.SameSite = SameSiteMode.Lax; // Lax: the user comes back from StepUp's page by a top-level navigation
    o.ExpireTimeSpan = TimeSpan.FromHours(1);
});
builder.Services.AddAuthorization();
builder.Services.AddAntiforgery(o => o.HeaderName = Html.CsrfHeader);
builder.Services.AddSingleton<Accounts>();
builder.Services.AddHttpClient<StepUpAdmin>();
builder.Services.AddStepUp(o => builder.Configuration.GetSection("StepUp").Bind(o));

var app = builder.Build();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.Use(async (http, next) =>
{
    // JSON endpoints: the antiforgery token travels in a header, checked before StepUp is asked anything.
    if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.StartsWithSegments("/api"))
    {
        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
    }

    await next(http);
});

app.MapGet("/login", (HttpContext http, IAntiforgery csrf) => Html.Page("Sign in", Html.LoginForm(csrf.GetAndStoreTokens(http)), null, null));
app.MapPost("/login", async (HttpContext http, [Microsoft.AspNetCore.Mvc.FromForm] string username) =>
{
    var user = string.IsNullOrWhiteSpace(username) ? "alice" : username.Trim();
    var identity = new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user),
        new Claim(ClaimTypes.Name, user),
        new Claim("sid", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
        new Claim("amr", "pwd"),
    ], CookieAuthenticationDefaults.AuthenticationScheme);
    await http.SignInAsync(new ClaimsPrincipal(identity));
    return Results.Redirect("/");
});
app.MapPost("/logout", async (HttpContext http) =>
{
    await http.SignOutAsync();
    return Results.Redirect("/login");
}).RequireAuthorization();

app.MapGet("/", (HttpContext http, Accounts accounts, IAntiforgery csrf) =>
    Html.Page("Account", Html.Account(accounts.For(http.User.Identity!.Name!)), http.User.Identity!.Name, csrf.GetAndStoreTokens(http)))
    .RequireAuthorization();
app.MapGet("/keys", (HttpContext http, Accounts accounts, IAntiforgery csrf) =>
    Html.Page("API keys", Html.Keys(accounts.For(http.User.Identity!.Name!)), http.User.Identity.Name, csrf.GetAndStoreTokens(http)))
    .RequireAuthorization();
app.MapGet("/security", (HttpContext http, IAntiforgery csrf) =>
    Html.Page("Security", Html.Security(csrf.GetAndStoreTokens(http)), http.User.Identity!.Name, csrf.GetAndStoreTokens(http)))
    .RequireAuthorization();
app.MapPost("/security/enroll", async (HttpContext http, StepUpAdmin stepUp) =>
    await stepUp.EnrollmentLinkAsync(http.User.Identity!.Name!, http.RequestAborted) is { } link
        ? Results.Redirect(link.ToString())
        : Html.Page("Security", Html.Message("StepUp did not give an enrolment link: a user who already has a factor adds another with a step-up (see docs/factors.md)."), http.User.Identity.Name, null))
    .RequireAuthorization();

var api = app.MapGroup("/api").RequireAuthorization();
api.MapPost("/transfers", async (HttpContext http, TransferRequest request, Accounts accounts, TimeProvider time) =>
{
    var transfer = accounts.For(http.User.Identity!.Name!).Book(request.Id, request.To, request.Amount, time.GetUtcNow());
    return transfer is null
        ? Results.Problem("The transfer was refused (already booked, not positive, or above the balance).", statusCode: 422)
        : Results.Ok(new { status = "done", transfer.Id, transfer.To, transfer.Amount });
}).RequireStepUp("payments.transfer", resource: TransferRequest.ResourceAsync);
api.MapPost("/keys", (HttpContext http, KeyRequest request, Accounts accounts) =>
{
    accounts.For(http.User.Identity!.Name!).AddKey(request.Name);
    return Results.Ok(new { status = "created", request.Name, key = "bank_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) });
}).RequireStepUp("apikeys.create");

app.Run();

/// <summary>The JSON a transfer form posts; <c>Id</c> is chosen by the page so a retry names the same transfer.</summary>
internal sealed record TransferRequest(string Id, string To, decimal Amount)
{
    /// <summary>The resource StepUp binds the elevation to: this transfer, its amount and payee.</summary>
    public static async ValueTask<StepUpResource?> ResourceAsync(HttpContext http)
    {
        http.Request.EnableBuffering();
        var request = await http.Request.ReadFromJsonAsync<TransferRequest>(http.RequestAborted);
        http.Request.Body.Position = 0;
        return request is null ? null : new StepUpResource("transfer", request.Id, new Dictionary<string, object?>
        {
            ["amount"] = request.Amount,
            ["currency"] = "EUR",
            ["to"] = request.To,
        });
    }
}

/// <summary>The JSON the API-key form posts.</summary>
internal sealed record KeyRequest(string Name);

/// <summary>Needed by WebApplicationFactory-style tests.</summary>
public partial class Program;
