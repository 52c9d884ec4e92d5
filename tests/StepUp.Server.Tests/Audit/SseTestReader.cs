using System.Text;

namespace StepUp.Server.Tests.Audit;

/// <summary>Reads a <c>text/event-stream</c> body frame by frame, as an EventSource would.</summary>
internal sealed class SseTestReader(Stream body) : IDisposable
{
    private readonly StreamReader _reader = new(body, Encoding.UTF8);

    public sealed record Frame(string? Id, string? Event, string? Data, IReadOnlyList<string> Comments);

    /// <summary>The next frame (lines up to a blank line); null at the end of the stream.</summary>
    public async Task<Frame?> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        string? id = null, type = null;
        StringBuilder? data = null;
        var comments = new List<string>();
        var any = false;
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token);
            if (line is null)
            {
                return any ? new Frame(id, type, data?.ToString(), comments) : null;
            }

            if (line.Length == 0)
            {
                if (any)
                {
                    return new Frame(id, type, data?.ToString(), comments);
                }

                continue;
            }

            any = true;
            if (line.StartsWith(':'))
            {
                comments.Add(line[1..].Trim());
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                (data ??= new StringBuilder()).Append(line[6..]);
            }
        }
    }

    /// <summary>The next frame that carries an event (skipping comments and heartbeats).</summary>
    public async Task<Frame> NextEventAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await NextAsync(timeout) ?? throw new EndOfStreamException("the stream ended");
            if (frame.Data is not null)
            {
                return frame;
            }
        }
    }

    public void Dispose() => _reader.Dispose();
}
