namespace StepUp.Core.Factors.WebAuthn.Cbor;

/// <summary>
/// One decoded CBOR data item of the WebAuthn subset. Integers keep their encoded argument so that
/// the full range of major types 0 and 1 (±2^64) is represented without loss.
/// </summary>
internal sealed class CborValue
{
    public static readonly CborValue False = new(CborKind.False);
    public static readonly CborValue True = new(CborKind.True);
    public static readonly CborValue Null = new(CborKind.Null);

    private CborValue(CborKind kind)
    {
        Kind = kind;
    }

    public CborKind Kind { get; }

    /// <summary>For integers: the value for <see cref="CborKind.UnsignedInteger"/>, <c>-1 - value</c> for a negative one.</summary>
    public ulong Argument { get; private init; }

    /// <summary>The content of a byte string.</summary>
    public ReadOnlyMemory<byte> Bytes { get; private init; }

    /// <summary>The content of a text string; empty for other kinds.</summary>
    public string Text { get; private init; } = string.Empty;

    /// <summary>The items of an array; empty for other kinds.</summary>
    public IReadOnlyList<CborValue> Items { get; private init; } = [];

    /// <summary>The entries of a map in encoded order; empty for other kinds.</summary>
    public IReadOnlyList<KeyValuePair<CborValue, CborValue>> Entries { get; private init; } = [];

    public bool IsInteger => Kind is CborKind.UnsignedInteger or CborKind.NegativeInteger;

    public static CborValue Unsigned(ulong value) => new(CborKind.UnsignedInteger) { Argument = value };

    /// <summary>The negative integer <c>-1 - argument</c>.</summary>
    public static CborValue Negative(ulong argument) => new(CborKind.NegativeInteger) { Argument = argument };

    public static CborValue ByteString(ReadOnlyMemory<byte> bytes) => new(CborKind.ByteString) { Bytes = bytes };

    public static CborValue TextString(string text) => new(CborKind.TextString) { Text = text };

    public static CborValue Array(IReadOnlyList<CborValue> items) => new(CborKind.Array) { Items = items };

    public static CborValue Map(IReadOnlyList<KeyValuePair<CborValue, CborValue>> entries) => new(CborKind.Map) { Entries = entries };

    /// <summary>The integer's value when it fits in a <see cref="long"/>; false for other kinds or out of range.</summary>
    public bool TryGetInt64(out long value)
    {
        value = 0;
        if (Kind == CborKind.UnsignedInteger && Argument <= long.MaxValue)
        {
            value = (long)Argument;
            return true;
        }

        if (Kind == CborKind.NegativeInteger && Argument <= long.MaxValue)
        {
            value = -1 - (long)Argument;
            return true;
        }

        return false;
    }

    /// <summary>The value stored under integer key <paramref name="key"/> of a map, or null.</summary>
    public CborValue? Get(long key)
    {
        foreach (var (k, v) in Entries)
        {
            if (k.TryGetInt64(out var candidate) && candidate == key)
            {
                return v;
            }
        }

        return null;
    }

    /// <summary>The value stored under text key <paramref name="key"/> of a map, or null.</summary>
    public CborValue? Get(string key)
    {
        foreach (var (k, v) in Entries)
        {
            if (k.Kind == CborKind.TextString && string.Equals(k.Text, key, StringComparison.Ordinal))
            {
                return v;
            }
        }

        return null;
    }
}
