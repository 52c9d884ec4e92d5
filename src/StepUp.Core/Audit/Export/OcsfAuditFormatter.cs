using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StepUp.Core.Audit.Export;

/// <summary><c>ocsf</c>: one OCSF 1.3.0 object per line (see <see cref="OcsfMapper"/>), newline-delimited JSON.</summary>
public sealed class OcsfAuditFormatter : AuditEventFormatter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly OcsfMapper _mapper;
    private readonly Utf8JsonWriter _writer = new(Stream.Null, WriterOptions);

    public OcsfAuditFormatter(OcsfMapper mapper)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        _mapper = mapper;
    }

    /// <inheritdoc/>
    public override string ContentType => JsonlAuditFormatter.MediaType;

    /// <inheritdoc/>
    public override string FileExtension => "ocsf.jsonl";

    /// <inheritdoc/>
    public override void Write(AuditEvent evt, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(output);
        _writer.Reset(output);
        _mapper.Write(evt, _writer);
        _writer.Flush();
        JsonlAuditFormatter.WriteNewline(output);
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
