using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Security;

namespace StepUp.AspNetCore.Tests.Infrastructure;

/// <summary>
/// Serves a JWKS of keys the test holds, counts fetches, and signs tokens with them, so token checks
/// can be tested without a server. Doubles as the <see cref="IHttpClientFactory"/>.
/// </summary>
public sealed class StaticJwksHandler : HttpMessageHandler, IHttpClientFactory
{
    private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);
    private readonly List<string> _published = [];

    public int Fetches { get; private set; }

    /// <summary>Creates a key with <paramref name="kid"/>; <paramref name="publish"/> puts it in the JWKS now.</summary>
    public void AddKey(string kid, bool publish = true)
    {
        _keys[kid] = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (publish)
        {
            Publish(kid);
        }
    }

    public void Publish(string kid) => _published.Add(kid);

    public string Sign(string kid, JsonObject claims, string type = "stepup+jwt") =>
        CompactJws.SignEs256(new JsonObject { ["typ"] = type, ["kid"] = kid }, Jcs.Canonicalize(claims), _keys[kid]);

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Assert.Equal("/.well-known/jwks.json", request.RequestUri!.AbsolutePath);
        Fetches++;
        var document = JsonWebKeySet.ToJson(_published.Select(kid => EcPublicJwk.FromKey(kid, _keys[kid])));
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json") });
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var key in _keys.Values)
            {
                key.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
