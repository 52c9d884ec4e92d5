using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace StepUp.Core.Policy.Simulation;

/// <summary>
/// Enumerates a source on a thread-pool thread a bounded number of items ahead of its consumer, so
/// reading the store and replaying decisions use two cores. Items cross in batches (one hand-over per
/// batch, not per item) and keep their order; an exception of the source reaches the consumer after
/// the items read before it, as without the buffer.
/// </summary>
internal static class ReadAhead
{
    public static async IAsyncEnumerable<T> Buffer<T>(IAsyncEnumerable<T> source, int batchSize, int batches,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<List<T>>(new BoundedChannelOptions(batches) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(source, channel.Writer, batchSize, stop.Token), CancellationToken.None);
        var drained = false;
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken))
            {
                while (channel.Reader.TryRead(out var batch))
                {
                    foreach (var item in batch)
                    {
                        yield return item;
                    }
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

    private static async Task ProduceAsync<T>(IAsyncEnumerable<T> source, ChannelWriter<List<T>> writer, int batchSize, CancellationToken cancellationToken)
    {
        var batch = new List<T>(batchSize);
        try
        {
            await foreach (var item in source.WithCancellation(cancellationToken))
            {
                batch.Add(item);
                if (batch.Count == batchSize)
                {
                    await writer.WriteAsync(batch, cancellationToken);
                    batch = new List<T>(batchSize);
                }
            }
        }
        finally
        {
            try
            {
                // What was read before the end or an error still reaches the consumer, in order.
                if (batch.Count > 0)
                {
                    await writer.WriteAsync(batch, cancellationToken);
                }
            }
            finally
            {
                writer.TryComplete();
            }
        }
    }
}
