using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StepUp.Core.Audit.Export;

/// <summary>
/// <c>jsonl</c>: each event exactly as <see cref="AuditEvent.ToJson"/> writes it, then <c>\n</c>, so
/// <c>stepup audit verify --file</c> can check the export offline.
/// </summary>
public sealed class JsonlAuditFormatter : AuditEventFormatter
{
    /// <summary>The media type of newline-delimited JSON.</summary>
    public const string MediaType = "application/x-ndjson";

    // Same escaping as AuditEvent.ToJson (relaxed: UTF-8 text stays as is); validation is skipped
    // because WriteTo always writes one well-formed object.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly Utf8JsonWriter _writer = new(Stream.Null, WriterOptions);

    /// <inheritdoc/>
    public override string ContentType => MediaType;

    /// <inheritdoc/>
    public override string FileExtension => "jsonl";

    /// <inheritdoc/>
    public override void Write(AuditEvent evt, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(output);
        _writer.Reset(output);
        evt.WriteTo(_writer);
        _writer.Flush();
        WriteNewline(output);
    }

    internal static void WriteNewline(IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writer.Dispose();
        }

        base.Dispose(disposing);
    }
}
