namespace StepUp.Core.GeoIp;

/// <summary>
/// Work limits for reading one record, shared by navigation, skipping and decoding so a hostile
/// record cannot amplify (pointer fan-out, repeated large payloads) into unbounded work.
/// </summary>
internal struct MmdbBudget
{
    /// <summary>Most values one record may visit (MaxMind's recommended decoder value limit).</summary>
    public const int MaxValues = 1 << 16;

    /// <summary>Most string/bytes payload one record may copy (MaxMind's recommended 2 MiB).</summary>
    public const int MaxPayloadBytes = 1 << 21;

    private int _values;
    private int _payloadBytes;

    public static MmdbBudget Create() => new() { _values = MaxValues, _payloadBytes = MaxPayloadBytes };

    public readonly int ValuesLeft => _values;

    public void TakeValue()
    {
        if (--_values < 0)
        {
            MmdbErrors.TooManyValues();
        }
    }

    public void TakePayload(int bytes)
    {
        _payloadBytes -= bytes;
        if (_payloadBytes < 0)
        {
            MmdbErrors.TooMuchPayload();
        }
    }
}
