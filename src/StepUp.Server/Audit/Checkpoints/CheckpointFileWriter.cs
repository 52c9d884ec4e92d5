using System.Text;
using StepUp.Core.Audit;

namespace StepUp.Server.Audit.Checkpoints;

/// <summary>
/// Appends each checkpoint event, as one JSON line, to <c>StepUp:Audit:CheckpointFile</c> and
/// fsyncs it: the anchor that <c>stepup audit verify --anchor</c> checks the database against.
/// </summary>
internal sealed class CheckpointFileWriter(string path)
{
    /// <summary>The anchor file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write it.</exception>
    public async Task AppendAsync(AuditEvent checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var line = Encoding.UTF8.GetBytes(checkpoint.ToJson() + "\n");
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var stream = new FileStream(Path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.Read,
        });
        if (stream.Length > 0)
        {
            // A crash mid-write can leave a torn last line; start on a fresh line so this one stays readable.
            stream.Seek(-1, SeekOrigin.End);
            var last = stream.ReadByte();
            stream.Seek(0, SeekOrigin.End);
            if (last != '\n')
            {
                stream.WriteByte((byte)'\n');
            }
        }

        await stream.WriteAsync(line, cancellationToken);
        stream.Flush(flushToDisk: true);
    }
}
