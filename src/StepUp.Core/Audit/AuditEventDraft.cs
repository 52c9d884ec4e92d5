using System.Text.Json.Nodes;

namespace StepUp.Core.Audit;

/// <summary>
/// What a caller appends: a type, optionally its own id (e.g. the <c>decision_id</c>), and the
/// payload. The appender assigns <c>seq</c>, <c>time</c> and the hashes. The draft owns
/// <see cref="Payload"/>: do not change it after appending.
/// </summary>
public sealed class AuditEventDraft
{
    private const int MaxNameLength = 128;

    /// <summary>Event type: lowercase dotted name, e.g. <c>stepup.challenge.failed</c> (see <see cref="AuditEventTypes"/>).</summary>
    public required string Type { get; init; }

    /// <summary>Event id fixed by the caller (1–128 of <c>A-Z a-z 0-9 _ -</c>); a ULID is generated when null.</summary>
    public string? Id { get; init; }

    /// <summary>Every non-envelope field (outcome, severity, app, subject, action, …). Null members are dropped.</summary>
    public JsonObject Payload { get; init; } = [];

    /// <summary>
    /// Checks the draft, drops null members from the payload (in place: optional fields are omitted,
    /// never null) and returns the payload's RFC 8785 bytes, which are both hashed and stored.
    /// </summary>
    /// <exception cref="ArgumentException">A malformed type or id, a payload member named like an envelope field, or a value JCS cannot represent.</exception>
    public byte[] ToCanonicalPayload()
    {
        if (!IsValidType(Type))
        {
            throw new ArgumentException($"Audit event type '{Type}' must be 1-{MaxNameLength} characters of a-z, 0-9, '_' and '.'.", nameof(Type));
        }

        if (Id is not null && !IsValidId(Id))
        {
            throw new ArgumentException($"Audit event id must be 1-{MaxNameLength} characters of A-Z, a-z, 0-9, '_' and '-'.", nameof(Id));
        }

        ArgumentNullException.ThrowIfNull(Payload, nameof(Payload));
        foreach (var (name, _) in Payload)
        {
            if (AuditFields.IsReserved(name))
            {
                throw new ArgumentException($"Payload member '{name}' collides with an audit envelope field.", nameof(Payload));
            }
        }

        StripNulls(Payload);
        return Jcs.Canonicalize(Payload);
    }

    private static void StripNulls(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                List<string>? nulls = null;
                foreach (var (name, value) in obj)
                {
                    if (value is null)
                    {
                        (nulls ??= []).Add(name);
                    }
                    else
                    {
                        StripNulls(value);
                    }
                }

                if (nulls is not null)
                {
                    foreach (var name in nulls)
                    {
                        obj.Remove(name);
                    }
                }

                break;
            case JsonArray array:
                // Array elements are values, not optional fields: a null element stays.
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        StripNulls(item);
                    }
                }

                break;
        }
    }

    private static bool IsValidType(string? type)
    {
        if (string.IsNullOrEmpty(type) || type.Length > MaxNameLength || type[0] == '.' || type[^1] == '.')
        {
            return false;
        }

        foreach (var c in type)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_' || c == '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidId(string id)
    {
        if (id.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
