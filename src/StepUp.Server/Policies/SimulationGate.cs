namespace StepUp.Server.Policies;

/// <summary>
/// One policy simulation at a time per server process: a replay of up to a million decisions is
/// CPU work that must not crowd out live decisions. A second caller is told to retry (429).
/// </summary>
internal static class SimulationGate
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Enters the gate without waiting; null when a simulation is running.</summary>
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
