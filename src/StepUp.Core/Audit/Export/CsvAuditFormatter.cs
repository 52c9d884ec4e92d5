using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Core.Audit.Export;

/// <summary>
/// <c>csv</c>: a header row, then one RFC 4180 row per event (CRLF line ends, UTF-8) with the columns of
/// <see cref="Columns"/>. Cells are escaped by <see cref="CsvCell"/>; absent fields are empty cells.
/// </summary>
public sealed class CsvAuditFormatter : AuditEventFormatter
{
    /// <summary>The media type, with the RFC 4180 <c>header</c> parameter.</summary>
    public const string MediaType = "text/csv; charset=utf-8; header=present";

    /// <summary>The columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "seq", "id", "time", "type", "outcome", "severity", "app", "subject_id", "session_id", "action",
        "resource_type", "resource_id", "ip", "reason", "prev_hash", "payload_digest", "hash", "erased",
    ];

    private readonly StringBuilder _row = new(512);

    // Stateful, so a surrogate pair split across two StringBuilder chunks still encodes as one character.
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetEncoder();

    /// <inheritdoc/>
    public override string ContentType => MediaType;

    /// <inheritdoc/>
    public override string FileExtension => "csv";

    /// <inheritdoc/>
    public override void WriteHeader(IBufferWriter<byte> output)
    {
        _row.Clear();
        _row.AppendJoin(',', Columns).Append("\r\n");
        Flush(output);
    }

    /// <inheritdoc/>
    public override void Write(AuditEvent evt, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(output);
        var payload = evt.Payload;
        var subject = payload["subject"] as JsonObject;
        var resource = payload["resource"] as JsonObject;
        var context = payload["context"] as JsonObject;

        _row.Clear();
        _row.Append(evt.Seq.ToString(CultureInfo.InvariantCulture));
        Cell(evt.Id);
        Cell(evt.TimeText);
        Cell(evt.Type);
        Cell(payload["outcome"]);
        Cell(payload["severity"]);
        Cell(payload["app"]);
        Cell(subject?["id"]);
        Cell(subject?["session_id"]);
        Cell(payload["action"]);
        Cell(resource?["type"]);
        Cell(resource?["id"]);
        Cell(context?["ip"]);
        Cell(payload["reason"]);
        Cell(evt.PrevHash);
        Cell(evt.PayloadDigest);
        Cell(evt.Hash);
        Cell(evt.Erased ? "true" : "false");
        _row.Append("\r\n");
        Flush(output);
    }

    private void Cell(string value)
    {
        _row.Append(',');
        CsvCell.Append(_row, value);
    }

    private void Cell(JsonNode? node)
    {
        _row.Append(',');
        switch (node)
        {
            case null:
                return;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                CsvCell.Append(_row, value.GetValue<string>());
                return;
            default:
                // A number, boolean, object or array where text was expected: its JSON text, escaped the same way.
                CsvCell.Append(_row, node.ToJsonString());
                return;
        }
    }

    private void Flush(IBufferWriter<byte> output)
    {
        foreach (var chunk in _row.GetChunks())
        {
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(chunk.Length + 1));
            output.Advance(_encoder.GetBytes(chunk.Span, span, flush: false));
        }

        output.Advance(_encoder.GetBytes([], output.GetSpan(4), flush: true));
    }
}
