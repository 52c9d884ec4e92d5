using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Elevations;
using StepUp.Core.Policy;
using StepUp.Core.Security;
using StepUp.Server.Errors;
using StepUp.Server.Http;
using StepUp.Server.Security;
using StepUp.Storage;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Elevations;

/// <summary>
/// <c>GET/DELETE /v1/sessions/{session}/elevations</c> (list; revoke on logout) and
/// <c>POST /v1/elevations/introspect</c> (RFC 7662: form <c>token=…</c> or JSON <c>{ "token": … }</c>).
/// Everything is scoped to the calling key's app.
/// </summary>
internal static class ElevationEndpoints
{
    public static void MapElevationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/sessions/{session}/elevations", ListAsync).RequireScope(ApiKeyScopes.Decisions).WithTags("Elevations").WithName("ListElevations");
        app.MapDelete("/v1/sessions/{session}/elevations", RevokeAsync).RequireScope(ApiKeyScopes.Decisions).WithTags("Elevations").WithName("RevokeElevations");
        app.MapPost("/v1/elevations/introspect", IntrospectAsync).RequireScope(ApiKeyScopes.Decisions).WithTags("Elevations").WithName("IntrospectElevation");
    }

    private static async Task<IResult> ListAsync(HttpContext http, string session, IElevationStore store, TimeProvider time)
    {
        var list = new JsonArray();
        foreach (var e in await store.ListActiveAsync(http.Caller().App, session, time.GetUtcNow(), http.RequestAborted))
        {
            list.Add(Describe(e));
        }

        return Results.Json(new JsonObject { ["elevations"] = list }, JsonOutput.SerializerOptions);
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, string session, IElevationStore store, IAuditAppender audit, TimeProvider time)
    {
        var revoked = await store.RevokeSessionAsync(http.Caller().App, session, time.GetUtcNow(), http.RequestAborted);
        if (revoked.Count > 0)
        {
            await audit.AppendAsync(revoked.Select(e => ElevationEvents.Revoked(e, "session_revoked")).ToList(), http.RequestAborted);
        }

        return Results.Json(new JsonObject { ["revoked"] = revoked.Count }, JsonOutput.SerializerOptions);
    }

    private static async Task<IResult> IntrospectAsync(HttpContext http, JsonBody body, ElevationTokens tokens, IElevationStore store, TimeProvider time)
    {
        string? token;
        http.Response.Headers.CacheControl = "no-store";
        if (http.Request.HasFormContentType)
        {
            try
            {
                var form = await http.Request.ReadFormAsync(http.RequestAborted);
                token = form["token"];
            }
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
            {
                return Problems.Result(ProblemCode.BadRequest, "the form body is malformed");
            }
        }
        else
        {
            var (document, problem) = await body.ReadAsync(http);
            if (problem is not null)
            {
                return problem;
            }

            using (document)
            {
                var root = document!.RootElement;
                token = RequestJson.Read(() => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null, out problem);
                if (problem is not null)
                {
                    return problem;
                }
            }
        }

        if (string.IsNullOrEmpty(token))
        {
            return Problems.Result(ProblemCode.ValidationFailed, "see errors", [new("token", "is required")]);
        }

        var inactive = Results.Json(new JsonObject { ["active"] = false }, JsonOutput.SerializerOptions);
        var claims = await tokens.VerifyAsync(token, http.RequestAborted);
        if (claims is null || claims["aud"]?.GetValueKind() != JsonValueKind.String || claims["aud"]!.GetValue<string>() != http.Caller().App ||
            claims["jti"]?.GetValueKind() != JsonValueKind.String)
        {
            return inactive;
        }

        var elevation = await store.GetAsync(claims["jti"]!.GetValue<string>(), http.RequestAborted);
        if (elevation is null || elevation.RevokedAt is not null || elevation.ConsumedAt is not null || elevation.ExpiresAt <= time.GetUtcNow())
        {
            return inactive;
        }

        claims["active"] = true;
        claims["token_type"] = ElevationTokens.Type;
        return Results.Json(claims, JsonOutput.SerializerOptions);
    }

    private static JsonObject Describe(Elevation e)
    {
        var json = new JsonObject
        {
            ["id"] = e.Id,
            ["subject"] = e.SubjectId,
            ["level"] = e.Level.ToName(),
            ["acr"] = e.Level.ToAcr(),
            ["amr"] = new JsonArray(e.Amr.Select(a => (JsonNode?)a).ToArray()),
            ["action"] = e.Action,
            ["auth_time"] = AuditTime.ToText(e.AuthTime),
            ["expires_at"] = AuditTime.ToText(e.ExpiresAt),
            ["once"] = e.Once,
        };
        if (e.Resource is { } r)
        {
            json["resource"] = new JsonObject { ["type"] = r.Type, ["id"] = r.Id };
        }

        return json;
    }
}
