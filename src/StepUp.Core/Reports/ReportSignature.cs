using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Security;

namespace StepUp.Core.Reports;

/// <summary>
/// Seals a report: SHA-256 over the UTF-8 text with an empty signature slot
/// (<c>&lt;!-- stepup-report-signature: --&gt;</c>), signed as a compact ES256 JWS with the audit key
/// and written into that slot. Any other change to the file changes the digest.
/// </summary>
public static class ReportSignature
{
    /// <summary>The empty slot a report is rendered with.</summary>
    public const string EmptySlot = "<!-- stepup-report-signature: -->";

    /// <summary>The JWS <c>typ</c> header of a report signature.</summary>
    public const string JwsType = "stepup-report+jws";

    private const string SlotStart = "<!-- stepup-report-signature:";
    private const string SlotEnd = "-->";
    private const string DigestField = "report_sha256";

    /// <summary>Lowercase hex SHA-256 of the report as rendered, with an empty slot.</summary>
    public static string Digest(string unsignedHtml) => Digests.Sha256Hex(unsignedHtml);

    /// <summary>Fills the slot of <paramref name="unsignedHtml"/> with a JWS over its digest.</summary>
    /// <exception cref="ArgumentException">The report has no single empty slot.</exception>
    public static string Sign(string unsignedHtml, string kid, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(unsignedHtml);
        var at = unsignedHtml.IndexOf(EmptySlot, StringComparison.Ordinal);
        if (at < 0 || unsignedHtml.IndexOf(EmptySlot, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException("The report must hold exactly one empty signature slot.", nameof(unsignedHtml));
        }

        var payload = Jcs.Canonicalize(new JsonObject { [DigestField] = Digest(unsignedHtml) });
        var jws = CompactJws.SignEs256(new JsonObject { ["kid"] = kid, ["typ"] = JwsType }, payload, key);
        return unsignedHtml[..at] + SlotStart + " " + jws + " " + SlotEnd + unsignedHtml[(at + EmptySlot.Length)..];
    }

    /// <summary>Checks a signed report against <paramref name="keys"/> (the audit keys of a JWK Set or database).</summary>
    public static ReportVerification Verify(string html, IEnumerable<EcPublicJwk> keys)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(keys);
        var start = html.IndexOf(SlotStart, StringComparison.Ordinal);
        var end = start < 0 ? -1 : html.IndexOf(SlotEnd, start, StringComparison.Ordinal);
        if (start < 0 || end < 0 || html.IndexOf(SlotStart, start + 1, StringComparison.Ordinal) >= 0)
        {
            return ReportVerification.Fail("the file holds no single report signature");
        }

        var jws = html[(start + SlotStart.Length)..end].Trim();
        if (!CompactJws.TryDecode(jws, out var decoded) || decoded.HeaderText("typ") != JwsType || decoded.HeaderText("kid") is not { } kid)
        {
            return ReportVerification.Fail("the report signature is not a well-formed report JWS");
        }

        var key = keys.FirstOrDefault(k => string.Equals(k.Kid, kid, StringComparison.Ordinal));
        if (key is null)
        {
            return ReportVerification.Fail($"the report is signed by key {kid}, which is not among the given audit keys") with { Kid = kid };
        }

        using (var verifier = key.CreateVerifier())
        {
            if (!CompactJws.VerifyEs256(decoded, verifier))
            {
                return ReportVerification.Fail("the report signature does not verify with key " + kid) with { Kid = kid };
            }
        }

        var unsigned = string.Concat(html.AsSpan(0, start), EmptySlot, html.AsSpan(end + SlotEnd.Length));
        var signed = JsonNode.Parse(Encoding.UTF8.GetString(decoded.Payload)) as JsonObject;
        var actual = Digest(unsigned);
        if (EvidenceJson.Text(signed, DigestField) is not { } expected || !Digests.FixedTimeEquals(expected, actual))
        {
            return ReportVerification.Fail($"the report was edited after it was signed (its SHA-256 is {actual}, the signature covers {EvidenceJson.Text(signed, DigestField)})") with { Kid = kid };
        }

        return new ReportVerification(true, null) { Kid = kid, Digest = actual };
    }
}
