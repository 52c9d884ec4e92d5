using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace StepUp.Core.Policy.Simulation;

/// <summary>
/// Enumerates a source on a thread-pool thread up to a fixed number of items ahead of its consumer,
/// so reading the store and replaying decisions use two cores. Items keep their order; an exception
/// of the source reaches the consumer after the items read before it, as without the buffer.
/// </summary>
internal static class ReadAhead
{
    public static async IAsyncEnumerable<T> Buffer<T>(IAsyncEnumerable<T> source, int capacity, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in source.WithCancellation(stop.Token))
                {
                    await channel.Writer.WriteAsync(item, stop.Token);
                }
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, CancellationToken.None);

        var drained = false;
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken))
            {
                while (channel.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }

            drained = true;
        }
        finally
        {
            if (!drained)
            {
                // The consumer stopped early (a limit, cancellation): stop reading and let the producer end.
                await stop.CancelAsync();
                await ((Task)producer).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        await producer;
    }
}
