namespace StepUp.Core.Factors.WebAuthn.Cbor;

/// <summary>Why <see cref="CborDecoder"/> refused its input; <see cref="None"/> when it did not.</summary>
internal enum CborError
{
    None,

    /// <summary>The input ends inside a data item, or a declared length or count exceeds what is left.</summary>
    Truncated,

    /// <summary>An indefinite-length string, array or map, or a stray "break" byte (0xFF).</summary>
    IndefiniteLength,

    /// <summary>Additional information 28–30, which RFC 8949 §3 reserves.</summary>
    ReservedAdditionalInfo,

    /// <summary>A tag, a float, <c>undefined</c> or another simple value that WebAuthn never uses.</summary>
    UnsupportedType,

    /// <summary>Arrays and maps nested deeper than <see cref="CborDecoder.MaxDepth"/>.</summary>
    DepthExceeded,

    /// <summary>More than <see cref="CborDecoder.MaxItems"/> data items in one input.</summary>
    TooManyItems,

    /// <summary>A text string that is not well-formed UTF-8.</summary>
    InvalidUtf8,

    /// <summary>A map key that is neither an integer nor a text string.</summary>
    InvalidMapKey,

    /// <summary>The same key twice in one map (compared by value, whatever its encoding).</summary>
    DuplicateMapKey,

    /// <summary>Bytes left after the data item where exactly one item was expected.</summary>
    TrailingBytes,
}
