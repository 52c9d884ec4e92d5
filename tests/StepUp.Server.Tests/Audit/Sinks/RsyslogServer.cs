using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StepUp.Server.Tests.Audit.Sinks;

/// <summary>
/// A real rsyslogd (Debian's rsyslog, installed by scripts/test.sh) run unprivileged-style with its
/// own configuration in a temporary directory: imudp and imtcp on free loopback ports, each input
/// writing the raw message (<c>%rawmsg%</c>) and rsyslog's own parse of it (facility, severity,
/// app-name, procid, msgid, structured data) to files. Fails loudly when rsyslogd is missing.
/// </summary>
internal sealed class RsyslogServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RsyslogServer(Process process, string directory, int udpPort, int tcpPort)
    {
        _process = process;
        Directory = directory;
        UdpPort = udpPort;
        TcpPort = tcpPort;
    }

    public string Directory { get; }

    public int UdpPort { get; }

    public int TcpPort { get; }

    /// <param name="tcpPort">A fixed TCP port (to restart a receiver in place); a free one when null.</param>
    public static async Task<RsyslogServer> StartAsync(int? tcpPort = null)
    {
        var rsyslogd = new[] { "/usr/sbin/rsyslogd", "/sbin/rsyslogd" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("rsyslogd is not installed: run scripts/test.sh (it installs Debian's rsyslog) or apt-get install rsyslog");
        var directory = System.IO.Directory.CreateTempSubdirectory("stepup-rsyslog-").FullName;
        var udpPort = FreePort(SocketType.Dgram, ProtocolType.Udp);
        var tcp = tcpPort ?? FreePort(SocketType.Stream, ProtocolType.Tcp);
        var config = Path.Combine(directory, "rsyslog.conf");
        await File.WriteAllTextAsync(config, $$"""
            global(workDirectory="{{directory}}" maxMessageSize="256k")
            module(load="imudp")
            module(load="imtcp")
            template(name="raw" type="string" string="%rawmsg%\n")
            template(name="parsed" type="string" string="%syslogfacility%|%syslogseverity%|%hostname%|%app-name%|%procid%|%msgid%|%structured-data%\n")
            input(type="imudp" address="127.0.0.1" port="{{udpPort}}" ruleset="udp")
            input(type="imtcp" address="127.0.0.1" port="{{tcp}}" ruleset="tcp")
            ruleset(name="udp") {
              action(type="omfile" file="{{directory}}/udp.raw" template="raw")
              action(type="omfile" file="{{directory}}/udp.parsed" template="parsed")
            }
            ruleset(name="tcp") {
              action(type="omfile" file="{{directory}}/tcp.raw" template="raw")
              action(type="omfile" file="{{directory}}/tcp.parsed" template="parsed")
            }
            """);
        var info = new ProcessStartInfo(rsyslogd)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-n", "-f", config, "-i", Path.Combine(directory, "rsyslogd.pid")])
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + rsyslogd);
        var server = new RsyslogServer(process, directory, udpPort, tcp);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"rsyslogd exited with {process.ExitCode}:\n{server.Output}");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, tcp);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        await server.DisposeAsync();
        throw new TimeoutException("rsyslogd did not listen within 10 s:\n" + server.Output);
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The complete lines of one output file (<c>udp.raw</c>, <c>tcp.parsed</c>, …), UTF-8.</summary>
    public string[] Lines(string file)
    {
        var path = Path.Combine(Directory, file);
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        var text = reader.ReadToEnd();
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n');
    }

    public async Task<string[]> WaitForLinesAsync(string file, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var lines = Lines(file);
            if (lines.Length >= count)
            {
                return lines;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"rsyslog wrote {lines.Length} of {count} lines to {file}:\n{string.Join('\n', lines)}\nrsyslogd output:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort(SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
