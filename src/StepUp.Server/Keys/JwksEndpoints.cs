using StepUp.Core.Security;

namespace StepUp.Server.Keys;

/// <summary>
/// <c>GET /.well-known/jwks.json</c> (no authentication): the public keys of every purpose — audit
/// checkpoint keys and elevation-token keys, each with its own <c>kid</c> — retired keys included,
/// so every checkpoint ever signed stays verifiable.
/// </summary>
internal static class JwksEndpoints
{
    public const string Path = "/.well-known/jwks.json";

    public static void MapJwksEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, JwksAsync).WithTags("Keys").WithName("Jwks");

    private static async Task<IResult> JwksAsync(SigningKeyService keys, StepUp.Server.Elevations.TokenKeyRotation rotation, HttpContext http)
    {
        var records = await keys.ListAsync(http.RequestAborted);
        var document = JsonWebKeySet.ToJson(records.Where(rotation.IsPublished).Select(r => r.PublicKey));
        // Keys change rarely (rotation); a short cache keeps verifiers from hammering the endpoint.
        http.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Text(document.ToJsonString(), "application/json");
    }
}
