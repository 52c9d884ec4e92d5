using System.Buffers;
using System.Buffers.Text;

namespace StepUp.Core.Audit.Sinks;

/// <summary>RFC 6587 §3.4.1 octet-counting framing for syslog over TCP: <c>MSG-LEN SP SYSLOG-MSG</c>.</summary>
public static class Rfc6587
{
    /// <summary>Writes one framed message: the message's length in octets (decimal, no leading zeros), a space, the message.</summary>
    public static void WriteFrame(IBufferWriter<byte> output, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (message.IsEmpty)
        {
            throw new ArgumentException("A syslog message is never empty.", nameof(message));
        }

        var span = output.GetSpan(11 + message.Length);
        Utf8Formatter.TryFormat(message.Length, span, out var digits);
        span[digits] = (byte)' ';
        message.CopyTo(span[(digits + 1)..]);
        output.Advance(digits + 1 + message.Length);
    }

    /// <summary>One framed message as a new array.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Length + 11);
        WriteFrame(buffer, message);
        return buffer.WrittenSpan.ToArray();
    }
}
