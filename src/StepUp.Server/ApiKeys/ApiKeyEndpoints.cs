using StepUp.Core.Security;
using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Server.Errors;
using StepUp.Server.Http;
using StepUp.Server.Security;
using StepUp.Storage;

namespace StepUp.Server.ApiKeys;

/// <summary>
/// <c>/v1/apikeys</c>: create (the secret is shown once), list, revoke. Keys of the operator app
/// <c>default</c> manage every app's keys; any other admin key manages only its own app's keys and
/// can never grant a scope it does not hold itself.
/// </summary>
internal static class ApiKeyEndpoints
{
    public static void MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/v1/apikeys").RequireScope(ApiKeyScopes.Admin).WithTags("API keys");
        keys.MapPost("", CreateAsync).WithName("CreateApiKey").Produces(StatusCodes.Status201Created);
        keys.MapGet("", ListAsync).WithName("ListApiKeys");
        keys.MapDelete("/{id}", RevokeAsync).WithName("RevokeApiKey");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, JsonBody body, IApiKeyStore store, IAuditAppender audit)
    {
        var (document, problem) = await body.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        var caller = http.Caller();
        var errors = new List<FieldError>();
        CreateKeyRequest? create;
        using (document)
        {
            var root = document!.RootElement;
            create = RequestJson.Read(() => ReadCreate(root, caller, errors), out problem);
        }

        if (problem is not null)
        {
            return problem;
        }

        var (name, appName, scopes) = create!;
        if (appName is not null && !IsAppName(appName))
        {
            errors.Add(new FieldError("app", "letters, digits, '-', '_' and '.', at most 64"));
        }

        if (errors.Count > 0 || name is null || appName is null)
        {
            return Problems.Result(ProblemCode.ValidationFailed, "see errors", errors);
        }

        if (!CanManage(caller, appName))
        {
            return Problems.Result(ProblemCode.InsufficientScope, "this key can only manage keys of its own app");
        }

        var (record, secret) = await store.CreateAsync(name, appName, scopes, http.RequestAborted);
        await audit.AppendAsync(KeyEvent("apikey.created", caller, record), http.RequestAborted);
        var json = ToJson(record);
        json["key"] = secret;
        http.Response.Headers.CacheControl = "no-store"; // the secret is shown once and must not be cached
        return Results.Json(json, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IApiKeyStore store)
    {
        var caller = http.Caller();
        var records = await store.ListAsync(caller.App == ApiKeyAuthenticator.DefaultApp ? null : caller.App, http.RequestAborted);
        var keys = new JsonArray();
        foreach (var record in records)
        {
            keys.Add(ToJson(record));
        }

        return Results.Json(new JsonObject { ["keys"] = keys });
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, string id, IApiKeyStore store, IAuditAppender audit, ApiKeyAuthenticator authenticator)
    {
        var caller = http.Caller();
        var record = (await store.ListAsync(null, http.RequestAborted)).FirstOrDefault(k => k.Id == id);
        if (record is null || !CanManage(caller, record.App))
        {
            return Problems.Result(ProblemCode.NotFound, "no such API key");
        }

        if (record.RevokedAt is null)
        {
            await store.RevokeAsync(id, http.RequestAborted);
            authenticator.Invalidate();
            await audit.AppendAsync(KeyEvent("apikey.revoked", caller, record), http.RequestAborted);
        }

        return Results.NoContent();
    }

    private sealed record CreateKeyRequest(string? Name, string? App, List<string> Scopes);

    /// <summary>Reads <c>{ name, app, scopes }</c>, naming every bad field in <paramref name="errors"/>.</summary>
    private static CreateKeyRequest ReadCreate(JsonElement root, ApiCaller caller, List<FieldError> errors)
    {
        var scopes = new List<string>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("$", "the body must be a JSON object"));
            return new CreateKeyRequest(null, null, scopes);
        }

        var name = StringField(root, "name", errors);
        var app = StringField(root, "app", errors);
        if (!root.TryGetProperty("scopes", out var scopesJson) || scopesJson.ValueKind != JsonValueKind.Array || scopesJson.GetArrayLength() == 0)
        {
            errors.Add(new FieldError("scopes", "is required: a non-empty list of decisions, factors, audit:read, admin"));
            return new CreateKeyRequest(name, app, scopes);
        }

        foreach (var item in scopesJson.EnumerateArray())
        {
            var scope = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (scope is null || !ApiKeyScopes.IsKnown(scope))
            {
                errors.Add(new FieldError("scopes", $"unknown scope (allowed: {string.Join(", ", ApiKeyScopes.All)})"));
                break;
            }

            if (!caller.Has(scope))
            {
                errors.Add(new FieldError("scopes", $"cannot grant '{scope}': the calling key does not hold it"));
                break;
            }

            if (!scopes.Contains(scope))
            {
                scopes.Add(scope);
            }
        }

        return new CreateKeyRequest(name, app, scopes);
    }

    private static bool CanManage(ApiCaller caller, string app) =>
        caller.App == ApiKeyAuthenticator.DefaultApp || caller.App == app;

    private static bool IsAppName(string app) =>
        app.Length is > 0 and <= 64 && app.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string? StringField(JsonElement root, string name, List<FieldError> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 and <= 200 } text)
        {
            errors.Add(new FieldError(name, "is required: a string of 1 to 200 characters"));
            return null;
        }

        return text;
    }

    private static JsonObject ToJson(ApiKeyRecord record)
    {
        var json = new JsonObject
        {
            ["id"] = record.Id,
            ["name"] = record.Name,
            ["app"] = record.App,
            ["scopes"] = new JsonArray(record.Scopes.Select(s => (JsonNode?)s).ToArray()),
            ["prefix"] = record.Prefix,
            ["created_at"] = AuditTime.ToText(record.CreatedAt),
        };
        if (record.RevokedAt is { } revoked)
        {
            json["revoked_at"] = AuditTime.ToText(revoked);
        }

        return json;
    }

    private static AuditEventDraft KeyEvent(string type, ApiCaller caller, ApiKeyRecord record) => new()
    {
        Type = type,
        Payload = new JsonObject
        {
            ["outcome"] = "success",
            ["severity"] = "medium",
            ["app"] = record.App,
            ["actor"] = new JsonObject { ["key_id"] = caller.KeyId, ["app"] = caller.App },
            ["apikey"] = new JsonObject
            {
                ["id"] = record.Id,
                ["name"] = record.Name,
                ["scopes"] = new JsonArray(record.Scopes.Select(s => (JsonNode?)s).ToArray()),
            },
        },
    };
}
