using System.Buffers;

namespace StepUp.Core.Audit.Export;

/// <summary>
/// Writes audit events in one export format straight into a byte buffer (a response body pipe or a
/// file pipe), one event at a time, so an export of any size runs in constant memory. An instance
/// keeps scratch buffers and serves one export on one thread.
/// </summary>
public abstract class AuditEventFormatter : IDisposable
{
    /// <summary>The HTTP media type of the whole export.</summary>
    public abstract string ContentType { get; }

    /// <summary>The usual file extension, without the dot.</summary>
    public abstract string FileExtension { get; }

    /// <summary>Writes what comes before the first event (a CSV header row); nothing by default.</summary>
    public virtual void WriteHeader(IBufferWriter<byte> output)
    {
    }

    /// <summary>Writes one event, including its line terminator.</summary>
    public abstract void Write(AuditEvent evt, IBufferWriter<byte> output);

    /// <summary>Releases the scratch buffers.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the scratch buffers of a derived formatter.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
