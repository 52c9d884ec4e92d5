namespace StepUp.Core.Audit;

/// <summary>JSON member names of the audit event envelope (SPEC §7); every other member is payload.</summary>
public static class AuditFields
{
    public const string Seq = "seq";
    public const string Id = "id";
    public const string Time = "time";
    public const string Type = "type";
    public const string PrevHash = "prev_hash";
    public const string PayloadDigest = "payload_digest";
    public const string Hash = "hash";

    /// <summary>Marks an event whose payload was erased; the envelope still verifies.</summary>
    public const string Erased = "erased";

    /// <summary>True for the envelope names and <c>erased</c>, which a payload must not use.</summary>
    public static bool IsReserved(string name) => name switch
    {
        Seq or Id or Time or Type or PrevHash or PayloadDigest or Hash or Erased => true,
        _ => false,
    };
}
