using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Sinks;

namespace StepUp.Server.Audit.Sinks;

/// <summary>
/// Sends RFC 5424 messages to a syslog receiver: over UDP one datagram per event (at most
/// <see cref="SyslogMessageFormatter.MaxUdpMessageBytes"/> bytes), over TCP RFC 6587 octet-counted
/// frames on one kept-open connection that is re-opened after any failure or when the receiver
/// closed it.
/// </summary>
internal sealed class SyslogSinkTransport : IAuditSinkTransport
{
    private readonly SinkDefinition _sink;
    private readonly SyslogMessageFormatter _formatter;
    private readonly TimeProvider _clock;
    private Socket? _socket;

    public SyslogSinkTransport(SinkDefinition sink, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _sink = sink;
        _clock = clock;
        _formatter = new SyslogMessageFormatter(
            sink.Facility,
            sink.AppName,
            Dns.GetHostName(),
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            sink.Utf8Bom);
    }

    private string Protocol => _sink.Udp ? "udp" : "tcp";

    public async Task<SinkDeliveryResult> DeliverAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var timeout = new CancellationTokenSource(_sink.Timeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var socket = await ConnectAsync(linked.Token);
            if (_sink.Udp)
            {
                foreach (var evt in events)
                {
                    await socket.SendAsync(_formatter.Format(evt, SyslogMessageFormatter.MaxUdpMessageBytes), SocketFlags.None, linked.Token);
                }
            }
            else
            {
                var frames = new ArrayBufferWriter<byte>(2048 * events.Count);
                foreach (var evt in events)
                {
                    Rfc6587.WriteFrame(frames, _formatter.Format(evt));
                }

                var remaining = frames.WrittenMemory;
                while (!remaining.IsEmpty)
                {
                    var sent = await socket.SendAsync(remaining, SocketFlags.None, linked.Token);
                    remaining = remaining[sent..];
                }
            }

            return SinkDeliveryResult.Ok;
        }
        catch (SocketException ex)
        {
            Close();
            return SinkDeliveryResult.Failed($"{Protocol}: {ex.SocketErrorCode}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Close();
            return SinkDeliveryResult.Failed($"{Protocol}: timeout after {_sink.Timeout.TotalSeconds:0} s");
        }
        catch (OperationCanceledException)
        {
            Close();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_socket is { } open && (_sink.Udp || !PeerClosed(open)))
        {
            return open;
        }

        Close();
        var addresses = await Dns.GetHostAddressesAsync(_sink.Host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        var address = addresses[0];
        var socket = _sink.Udp
            ? new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, _sink.Port), cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        return socket;
    }

    /// <summary>
    /// True when the receiver has closed the connection (readable with nothing to read): then the
    /// next batch goes on a new connection instead of into a socket that would lose it.
    /// </summary>
    private static bool PeerClosed(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }
}
