namespace StepUp.Core.Factors.WebAuthn.Cbor;

/// <summary>The kinds of CBOR data item that the WebAuthn subset (RFC 8949) admits.</summary>
internal enum CborKind
{
    UnsignedInteger,
    NegativeInteger,
    ByteString,
    TextString,
    Array,
    Map,
    False,
    True,
    Null,
}
