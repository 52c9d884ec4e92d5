using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Export;

namespace StepUp.Core.Tests.Audit.Export;

/// <summary>Signed single events and a helper that runs a formatter into a string.</summary>
internal static class ExportTestEvents
{
    public static AuditEvent Event(string type, JsonObject payload, long seq = 7) =>
        AuditChainFixture.Sign(seq, AuditChain.GenesisHash, AuditChainFixture.Start, type, payload, id: "01JDEXPORTTEST0000000000" + seq.ToString("00", System.Globalization.CultureInfo.InvariantCulture));

    public static string Format(AuditEventFormatter formatter, params AuditEvent[] events)
    {
        var buffer = new ArrayBufferWriter<byte>();
        formatter.WriteHeader(buffer);
        foreach (var evt in events)
        {
            formatter.Write(evt, buffer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
