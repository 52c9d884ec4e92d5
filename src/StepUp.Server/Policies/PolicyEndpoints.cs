using StepUp.Core.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Policy;
using StepUp.Server.Errors;
using StepUp.Server.Security;

namespace StepUp.Server.Policies;

/// <summary><c>GET /v1/policy</c> (the active policy) and <c>POST /v1/policy/validate</c> (check a candidate).</summary>
internal static class PolicyEndpoints
{
    public static void MapPolicyEndpoints(this IEndpointRouteBuilder app)
    {
        var policy = app.MapGroup("/v1/policy").RequireScope(ApiKeyScopes.Admin).WithTags("Policy");
        policy.MapGet("", (PolicyHost host) =>
        {
            var active = host.Current;
            return Results.Json(new JsonObject
            {
                ["version"] = active.Policy.Version,
                ["loaded_at"] = AuditTime.ToText(active.LoadedAt),
                ["path"] = host.Path,
                ["rules"] = active.Policy.Rules.Count,
                ["text"] = active.Policy.Text,
            });
        }).WithName("GetPolicy");
        policy.MapPost("/validate", ValidateAsync).WithName("ValidatePolicy");
        policy.MapPolicySimulation();
    }

    /// <summary>Body: the YAML itself (any text type), or JSON <c>{ "policy": "…" }</c>.</summary>
    private static async Task<IResult> ValidateAsync(HttpContext http, PolicyHost host, Microsoft.Extensions.Options.IOptions<Hosting.StepUpServerOptions> options)
    {
        var limit = options.Value.MaxRequestBytes;
        if (http.Request.ContentLength > limit)
        {
            return Problems.Result(ProblemCode.BodyTooLarge);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                return Problems.Result(ProblemCode.BodyTooLarge);
            }
        }

        if (!System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
        {
            return Problems.Result(ProblemCode.InvalidUnicode);
        }

        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        if (http.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 24 });
            }
            catch (JsonException)
            {
                return Problems.Result(ProblemCode.MalformedJson);
            }

            using (document)
            {
                var root = document.RootElement;
                var candidate = Http.RequestJson.Read(
                    () => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("policy", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
                    out var problem);
                if (problem is not null)
                {
                    return problem;
                }

                if (candidate is null)
                {
                    return Problems.Result(ProblemCode.ValidationFailed, "send { \"policy\": \"<YAML>\" } or the YAML itself", [new("policy", "is required")]);
                }

                text = candidate;
            }
        }

        var result = PolicyLoader.Load(text, "candidate.yaml", host.LoadOptions);
        var diagnostics = new JsonArray();
        foreach (var d in result.Diagnostics)
        {
            diagnostics.Add(new JsonObject
            {
                ["line"] = d.Line,
                ["column"] = d.Column,
                ["severity"] = d.IsWarning ? "warning" : "error",
                ["message"] = d.Message,
            });
        }

        if (!result.Success)
        {
            return Problems.Result(ProblemCode.PolicyInvalid, "the policy has errors", extra: writer =>
            {
                writer.WritePropertyName("diagnostics");
                diagnostics.WriteTo(writer);
            });
        }

        return Results.Json(new JsonObject
        {
            ["valid"] = true,
            ["version"] = result.Policy!.Version,
            ["rules"] = result.Policy.Rules.Count,
            ["diagnostics"] = diagnostics,
        });
    }
}
