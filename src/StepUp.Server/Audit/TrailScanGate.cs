namespace StepUp.Server.Audit;

/// <summary>
/// One full pass over the audit trail at a time per server process — a policy simulation, a SOC 2
/// report or a chain verification from the dashboard: reading millions of events is CPU and I/O
/// that must not crowd out live decisions. A second caller is told to retry (429).
/// </summary>
internal static class TrailScanGate
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Enters the gate without waiting; null when another pass is running.</summary>
    public static Lease? TryEnter() => Gate.Wait(0) ? new Lease() : null;

    /// <summary>Holds the gate until disposed.</summary>
    public sealed class Lease : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Gate.Release();
            }
        }
    }
}
