using System.Text.Json.Nodes;
using StepUp.Core.Audit.Export;

namespace StepUp.Core.Tests.Audit.Export;

public class CsvAuditFormatterTests
{
    private const string Header = "seq,id,time,type,outcome,severity,app,subject_id,session_id,action,resource_type,resource_id,ip,reason,prev_hash,payload_digest,hash,erased";

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+x", "'+x")]
    [InlineData("-x", "'-x")]
    [InlineData("@x", "'@x")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"")]
    [InlineData("=1,2", "\"'=1,2\"")]
    [InlineData("alice", "alice")]
    [InlineData("a=b", "a=b")]
    [InlineData("", "")]
    [InlineData("has,comma", "\"has,comma\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("crlf\r\nend", "\"crlf\r\nend\"")]
    public void Escape_NeutralisesFormulas_AndQuotesAsRfc4180(string value, string expected)
    {
        Assert.Equal(expected, CsvCell.Escape(value));
    }

    [Fact]
    public void Write_OneRowPerEvent_WithTheDocumentedColumns()
    {
        var evt = ExportTestEvents.Event("stepup.challenge.failed", new JsonObject
        {
            ["outcome"] = "failure",
            ["severity"] = "medium",
            ["app"] = "payments-api",
            ["subject"] = new JsonObject { ["id"] = "alice", ["session_id"] = "s-123" },
            ["action"] = "payments.transfer",
            ["resource"] = new JsonObject { ["type"] = "transfer", ["id"] = "t-9" },
            ["context"] = new JsonObject { ["ip"] = "81.2.69.142" },
            ["reason"] = "invalid_code",
        });
        using var formatter = new CsvAuditFormatter();
        var text = ExportTestEvents.Format(formatter, evt);
        var lines = text.Split("\r\n");

        Assert.Equal(3, lines.Length);
        Assert.Equal(Header, lines[0]);
        Assert.Equal(string.Empty, lines[2]);
        Assert.Equal(
            $"7,{evt.Id},{evt.TimeText},stepup.challenge.failed,failure,medium,payments-api,alice,s-123,payments.transfer,transfer,t-9,81.2.69.142,invalid_code,{evt.PrevHash},{evt.PayloadDigest},{evt.Hash},false",
            lines[1]);
        Assert.StartsWith("text/csv", formatter.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_EscapesFormulaCellsFromAttackerControlledFields()
    {
        var evt = ExportTestEvents.Event("decision.evaluated", new JsonObject
        {
            ["subject"] = new JsonObject { ["id"] = "=1+1", ["session_id"] = "+x" },
            ["action"] = "-x",
            ["resource"] = new JsonObject { ["type"] = "@x", ["id"] = "=cmd|'/C calc'!A0" },
            ["reason"] = "line1\nline2, \"quoted\"",
        });
        using var formatter = new CsvAuditFormatter();
        var row = ExportTestEvents.Format(formatter, evt).Split("\r\n")[1];

        Assert.Contains(",'=1+1,'+x,'-x,'@x,'=cmd|'/C calc'!A0,,\"line1\nline2, \"\"quoted\"\"\",", row, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_AbsentAndNonTextFields_AreEmptyOrTheirJson()
    {
        var evt = ExportTestEvents.Event("policy.loaded", new JsonObject { ["outcome"] = 1, ["app"] = new JsonObject { ["x"] = -1 } });
        using var formatter = new CsvAuditFormatter();
        var cells = ExportTestEvents.Format(formatter, evt).Split("\r\n")[1];

        Assert.StartsWith($"7,{evt.Id},{evt.TimeText},policy.loaded,1,,\"{{\"\"x\"\":-1}}\",,,,,,,,", cells, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ErasedEvent_HasEnvelopeAndErasedTrue()
    {
        var evt = AuditChainFixture.With(AuditChainFixture.Build(1)[0], payload: [], erased: true);
        using var formatter = new CsvAuditFormatter();
        var row = ExportTestEvents.Format(formatter, evt).Split("\r\n")[1];

        Assert.Equal($"1,{evt.Id},{evt.TimeText},decision.evaluated,,,,,,,,,,,{evt.PrevHash},{evt.PayloadDigest},{evt.Hash},true", row);
    }

    [Fact]
    public void Write_NonAsciiText_IsUtf8()
    {
        var evt = ExportTestEvents.Event("decision.evaluated", new JsonObject { ["subject"] = new JsonObject { ["id"] = "zoë 😀 " + new string('é', 3000) } });
        using var formatter = new CsvAuditFormatter();
        var row = ExportTestEvents.Format(formatter, evt).Split("\r\n")[1];

        Assert.Contains(",zoë 😀 " + new string('é', 3000) + ",", row, StringComparison.Ordinal);
    }
}
