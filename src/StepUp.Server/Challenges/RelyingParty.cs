using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StepUp.Server.Hosting;

namespace StepUp.Server.Challenges;

/// <summary>StepUp as a WebAuthn relying party: RP ID, name, allowed origins and user handles.</summary>
internal sealed class RelyingParty
{
    public RelyingParty(IOptions<StepUpServerOptions> options)
    {
        var o = options.Value;
        var publicUrl = Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var url) ? url : null;
        RpId = o.WebAuthn.RpId ?? publicUrl?.Host ?? "localhost";
        RpName = o.WebAuthn.RpName;
        Origins = o.WebAuthn.Origins.Count > 0
            ? o.WebAuthn.Origins.Select(origin => origin.TrimEnd('/')).ToArray()
            : [publicUrl?.GetLeftPart(UriPartial.Authority) ?? ServerSetup.DefaultUrl];
    }

    public string RpId { get; }

    public string RpName { get; }

    public IReadOnlyCollection<string> Origins { get; }

    /// <summary>The WebAuthn user handle of a subject: a digest, so the authenticator never holds the app's user id.</summary>
    public static byte[] UserHandle(string subjectId) => SHA256.HashData(Encoding.UTF8.GetBytes("stepup/user/" + subjectId));
}
