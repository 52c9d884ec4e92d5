using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StepUp.Core.Security;
using StepUp.Server.Hosting;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Factors;

/// <summary>One-time enrolment links: <c>/enroll/{token}</c>, valid 30 minutes, only the token's hash stored.</summary>
internal sealed class EnrollmentLinks(IEnrollmentStore store, IOptions<StepUpServerOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    public async Task<(string Url, DateTimeOffset ExpiresAt)> CreateAsync(string app, string subjectId, CancellationToken cancellationToken)
    {
        var token = RandomTokens.UrlSafe(32);
        var now = time.GetUtcNow();
        var expiresAt = now + Lifetime;
        await store.AddAsync(Hash(token), subjectId, app, now, expiresAt, cancellationToken);
        var path = "/enroll/" + token;
        return (options.Value.PublicUrl is { } publicUrl ? publicUrl.TrimEnd('/') + path : path, expiresAt);
    }

    /// <summary>The (subject, app) of a valid link.</summary>
    public Task<(string SubjectId, string App)?> FindAsync(string token, CancellationToken cancellationToken) =>
        store.FindAsync(Hash(token), time.GetUtcNow(), cancellationToken);

    public Task<bool> UseAsync(string token, CancellationToken cancellationToken) =>
        store.UseAsync(Hash(token), time.GetUtcNow(), cancellationToken);

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
