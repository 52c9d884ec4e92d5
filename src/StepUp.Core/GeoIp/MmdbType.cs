namespace StepUp.Core.GeoIp;

/// <summary>MaxMind DB data-section field types (spec "Output Data Section").</summary>
internal enum MmdbType : byte
{
    Extended = 0,
    Pointer = 1,
    Utf8String = 2,
    Double = 3,
    Bytes = 4,
    UInt16 = 5,
    UInt32 = 6,
    Map = 7,
    Int32 = 8,
    UInt64 = 9,
    UInt128 = 10,
    Array = 11,
    DataCacheContainer = 12,
    EndMarker = 13,
    Boolean = 14,
    Float = 15,
}

/// <summary>
/// One field header. For a pointer, <see cref="Size"/> is the target offset and
/// <see cref="Payload"/> the offset just past the pointer; for maps and arrays, Size counts
/// entries; otherwise Size is the payload length in bytes starting at Payload.
/// </summary>
internal readonly record struct MmdbField(MmdbType Type, int Size, int Payload);
