using System.Data.Common;

namespace StepUp.Storage;

/// <summary>
/// The database server cannot be reached (down, restarting, refusing connections, out of
/// connections). Transient: the store reconnects by itself on a later call, so the caller answers
/// 503 and may retry. It is a <see cref="DbException"/>, so code that already treats storage
/// failures as such handles it unchanged.
/// </summary>
public sealed class StorageUnavailableException : DbException
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    public override bool IsTransient => true;
}
