using System.Text;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Sinks;

namespace StepUp.Core.Tests.Audit.Sinks;

public class Rfc5424Tests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a]b", "a\\]b")]
    [InlineData("[x=y]", "[x=y\\]")]
    [InlineData("\"\\]", "\\\"\\\\\\]")]
    [InlineData("line\nbreak\r\u0000\u007f", "line\uFFFDbreak\uFFFD\uFFFD\uFFFD")]
    [InlineData("zoë 😀", "zoë 😀")]
    [InlineData("", "")]
    public void EscapeParamValue_EscapesQuoteBackslashBracket_AndNeutralisesControls(string value, string expected)
    {
        Assert.Equal(expected, Rfc5424.EscapeParamValue(value));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(4, 2, 34)]
    [InlineData(10, 6, 86)]
    [InlineData(16, 4, 132)]
    [InlineData(23, 7, 191)]
    public void Priority_IsFacilityTimesEightPlusSeverity(int facility, int severity, int pri)
    {
        Assert.Equal(pri, Rfc5424.Priority(facility, severity));
    }

    [Theory]
    [InlineData(24, 0)]
    [InlineData(-1, 0)]
    [InlineData(0, 8)]
    public void Priority_RejectsOutOfRange(int facility, int severity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rfc5424.Priority(facility, severity));
    }

    [Fact]
    public void MsgId_OfEveryEventType_IsTheTypeItself()
    {
        foreach (var type in EventTypeFilter.KnownTypes)
        {
            var msgId = Rfc5424.MsgId(type);
            Assert.Equal(type, msgId);
            Assert.InRange(msgId.Length, 1, Rfc5424.MaxMsgIdLength);
            Assert.All(msgId, c => Assert.InRange(c, '!', '~'));
        }
    }

    [Theory]
    [InlineData("a b", "a_b")]
    [InlineData("", "-")]
    [InlineData("tab\there", "tab_here")]
    [InlineData("üñï", "___")]
    [InlineData("this.type.name.is.much.longer.than.32.chars", "this.type.name.is.much.longer.th")]
    public void MsgId_KeepsPrintableAsciiUpTo32(string type, string expected)
    {
        Assert.Equal(expected, Rfc5424.MsgId(type));
    }

    [Fact]
    public void HeaderField_CutsToTheLimit()
    {
        Assert.Equal(new string('h', 255), Rfc5424.HeaderField(new string('h', 300), Rfc5424.MaxHostnameLength));
        Assert.Equal("-", Rfc5424.HeaderField(null, 48));
    }

    [Theory]
    [InlineData("critical", 2)]
    [InlineData("high", 3)]
    [InlineData("medium", 4)]
    [InlineData("low", 5)]
    [InlineData("info", 6)]
    [InlineData(null, 6)]
    public void SeverityOf_MapsEventSeverity(string? severity, int expected)
    {
        Assert.Equal(expected, Rfc5424.SeverityOf(severity));
    }

    [Theory]
    [InlineData("authpriv", 10)]
    [InlineData("AUTH", 4)]
    [InlineData("local0", 16)]
    [InlineData("local7", 23)]
    [InlineData("13", 13)]
    [InlineData("0", 0)]
    public void Facility_ParsesNamesAndCodes(string text, int expected)
    {
        Assert.True(SyslogFacility.TryParse(text, out var facility));
        Assert.Equal(expected, facility);
    }

    [Theory]
    [InlineData("24")]
    [InlineData("-1")]
    [InlineData("local8")]
    [InlineData("")]
    [InlineData(null)]
    public void Facility_RejectsUnknown(string? text)
    {
        Assert.False(SyslogFacility.TryParse(text, out _));
    }
}

public class Rfc6587Tests
{
    [Theory]
    [InlineData("hello", "5 hello")]
    [InlineData("zoë", "4 zoë")]
    [InlineData("<14>1 - - - - - -", "17 <14>1 - - - - - -")]
    public void Frame_PrefixesTheOctetCountAndASpace(string message, string expected)
    {
        Assert.Equal(expected, Encoding.UTF8.GetString(Rfc6587.Frame(Encoding.UTF8.GetBytes(message))));
    }

    [Fact]
    public void Frame_CountsOctets_ForLongMessages()
    {
        var message = new byte[12345];
        Array.Fill(message, (byte)'x');
        var framed = Rfc6587.Frame(message);
        Assert.Equal("12345 "u8.ToArray(), framed.AsSpan(0, 6).ToArray());
        Assert.Equal(12345 + 6, framed.Length);
    }

    [Fact]
    public void Frame_RejectsEmpty()
    {
        Assert.Throws<ArgumentException>(() => Rfc6587.Frame([]));
    }
}
