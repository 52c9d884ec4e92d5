using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using StepUp.Core.Security;

namespace StepUp.AspNetCore.Requests;

/// <summary>
/// A random, long-lived cookie that tells StepUp "same browser as before" (<c>context.device_id</c>,
/// the <c>risk.new_device</c> signal). StepUp receives a SHA-256 digest of it, never the cookie
/// value, so its audit trail and sinks cannot be used to forge a known device.
/// </summary>
internal static class DeviceCookie
{
    private const int ValueLength = 43; // 32 random bytes, base64url
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(400); // the most browsers keep (RFC 6265bis)

    /// <summary>The device id of this request, setting a new cookie when it has none (or a malformed one).</summary>
    public static string? Ensure(HttpContext http, string? cookieName)
    {
        if (string.IsNullOrEmpty(cookieName))
        {
            return null;
        }

        var value = http.Request.Cookies[cookieName];
        if (!IsWellFormed(value))
        {
            value = RandomTokens.UrlSafe(32);
            http.Response.Cookies.Append(cookieName, value, new CookieOptions
            {
                HttpOnly = true,
                Secure = http.Request.IsHttps,
                SameSite = SameSiteMode.Lax,
                MaxAge = Lifetime,
                Path = "/",
                IsEssential = true, // a security signal, not tracking: not subject to a consent policy
            });
        }

        return DeviceId(value!);
    }

    /// <summary>The id StepUp sees for a cookie value.</summary>
    public static string DeviceId(string cookieValue) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(cookieValue)));

    public static bool IsValidName(string name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return name.Length > 0;
    }

    private static bool IsWellFormed(string? value)
    {
        if (value is not { Length: ValueLength })
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
