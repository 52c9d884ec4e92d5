using System.Security.Cryptography;

namespace StepUp.Core.Audit;

/// <summary>
/// ULID-style ids: 26 Crockford base32 characters holding a 48-bit Unix-millisecond time and 80
/// random bits. Ids sort roughly by creation time; they are not monotonic within a millisecond.
/// </summary>
public static class EventId
{
    /// <summary>Length of an id.</summary>
    public const int Length = 26;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new id stamped with the provider's current time.</summary>
    public static string New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return New(timeProvider.GetUtcNow());
    }

    /// <summary>A new id stamped with <paramref name="time"/>.</summary>
    public static string New(DateTimeOffset time)
    {
        var ms = (ulong)Math.Max(0, time.ToUnixTimeMilliseconds()) & 0xFFFF_FFFF_FFFFUL;
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        var value = (UInt128)ms << 80;
        for (var i = 0; i < random.Length; i++)
        {
            value |= (UInt128)random[i] << (8 * (9 - i));
        }

        return string.Create(Length, value, static (chars, v) =>
        {
            for (var i = Length - 1; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }

    /// <summary>True when <paramref name="id"/> is 26 upper-case Crockford base32 characters that fit in 128 bits.</summary>
    public static bool IsValid(string? id) => TryGetTime(id, out _);

    /// <summary>Reads the time stamped into an id.</summary>
    public static bool TryGetTime(string? id, out DateTimeOffset time)
    {
        time = default;
        if (id is not { Length: Length } || id[0] > '7')
        {
            return false;
        }

        ulong ms = 0;
        for (var i = 0; i < Length; i++)
        {
            var digit = Alphabet.IndexOf(id[i], StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            if (i < 10)
            {
                ms = (ms << 5) | (uint)digit;
            }
        }

        // Beyond year 9999 is a valid ULID but not a DateTimeOffset.
        if (ms > (ulong)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
        return true;
    }
}
