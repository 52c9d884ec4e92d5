using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Core.Tests.Audit;

public sealed class JcsTests
{
    // RFC 8785 Appendix B: IEEE-754 bit patterns and their canonical JSON numbers.
    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    public void FormatNumber_MatchesRfc8785AppendixB(string ieeeHex, string expected)
    {
        var value = BitConverter.Int64BitsToDouble(Convert.ToInt64(ieeeHex, 16));

        Assert.Equal(expected, Jcs.FormatNumber(value));
        Assert.Equal(expected, Jcs.CanonicalizeToString(JsonValue.Create(value)));
    }

    [Theory]
    [InlineData("7fffffffffffffff")] // NaN
    [InlineData("7ff0000000000000")] // +Infinity
    [InlineData("fff0000000000000")] // -Infinity
    public void FormatNumber_RefusesNonFiniteValues(string ieeeHex)
    {
        var value = BitConverter.Int64BitsToDouble(Convert.ToInt64(ieeeHex, 16));

        Assert.Throws<ArgumentException>(() => Jcs.FormatNumber(value));
        Assert.Throws<ArgumentException>(() => Jcs.Canonicalize(new JsonObject { ["x"] = value }));
    }

    [Theory]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1e-6, "0.000001")]
    [InlineData(4.50, "4.5")]
    [InlineData(0.002, "0.002")]
    [InlineData(-0.0, "0")]
    [InlineData(1e30, "1e+30")]
    [InlineData(1e-27, "1e-27")]
    [InlineData(123.456, "123.456")]
    [InlineData(-1.5e-10, "-1.5e-10")]
    [InlineData(12000.0, "12000")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(0.1, "0.1")]
    public void FormatNumber_UsesEcmaScriptLayout(double value, string expected) =>
        Assert.Equal(expected, Jcs.FormatNumber(value));

    // RFC 8785 §3.2.3: members sorted by UTF-16 code units, not by code points or UTF-8 bytes.
    [Fact]
    public void Canonicalize_SortsMembersByUtf16CodeUnits_Rfc8785Section323()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;

        var canonical = Jcs.CanonicalizeToString(JsonNode.Parse(input));

        Assert.Equal(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\"," +
            "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\"," +
            "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            canonical);
    }

    // RFC 8785 §3.2.2 / §3.2.4 example: numbers, escaping and literals, with its UTF-8 bytes.
    [Fact]
    public void Canonicalize_MatchesRfc8785Section32Example()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;

        var bytes = Jcs.Canonicalize(JsonNode.Parse(input));

        Assert.Equal(
            """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""",
            Encoding.UTF8.GetString(bytes));
        // §3.2.4: the same output as UTF-8 bytes.
        Assert.Equal(
            "7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62657273223a5b3333333333333333332e333333333333332c31652b33302c342e352c302e3030322c31652d32375d2c22737472696e67223a22e282ac245c75303030665c6e4127425c225c5c5c5c5c222f227d",
            Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void Canonicalize_EscapesOnlyWhatRfc8785Requires()
    {
        var value = JsonValue.Create("\u0000\u0001\b\t\n\u000b\f\r\u001f \"\\/\u007f\u00e9\u2028<>&'");

        var canonical = Jcs.CanonicalizeToString(value);

        Assert.Equal("\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\\"\\\\/\u007f\u00e9\u2028<>&'\"", canonical);
    }

    [Fact]
    public void Canonicalize_WritesNonAsciiAsLiteralUtf8()
    {
        var bytes = Jcs.Canonicalize(JsonValue.Create("€😀"));

        Assert.Equal("22e282acf09f988022", Convert.ToHexStringLower(bytes));
    }

    // A [Fact], not a [Theory]: theory data is serialised, which would replace lone surrogates.
    [Fact]
    public void Canonicalize_RefusesLoneSurrogates()
    {
        foreach (var text in (string[])["\ud800", "a\udc00b", "\ude00\ud83d", "x\ud83d\\"])
        {
            Assert.Throws<ArgumentException>(() => Jcs.Canonicalize(JsonValue.Create(text)));
            Assert.Throws<ArgumentException>(() => Jcs.Canonicalize(new JsonObject { [text] = 1 }));
        }

        Assert.Throws<ArgumentException>(() => Jcs.Canonicalize(JsonNode.Parse("""{"x":"\ud800"}""")));
        Assert.Throws<ArgumentException>(() => Jcs.Canonicalize(JsonNode.Parse("""{"x":1e400}""")));
    }

    [Fact]
    public void Canonicalize_SortsNestedObjectsAndKeepsArrayOrder()
    {
        var node = JsonNode.Parse("""{"b":[{"z":1,"a":2},3,"x"],"a":{"d":null,"c":{}},"":[]}""");

        Assert.Equal("""{"":[],"a":{"c":{},"d":null},"b":[{"a":2,"z":1},3,"x"]}""", Jcs.CanonicalizeToString(node));
    }

    [Fact]
    public void Canonicalize_WritesClrIntegersWithAllDigits()
    {
        var obj = new JsonObject
        {
            ["long"] = long.MaxValue,
            ["min"] = long.MinValue,
            ["int"] = -42,
            ["short"] = (short)7,
            ["byte"] = (byte)255,
            ["uint"] = uint.MaxValue,
            ["ulong"] = ulong.MaxValue,
            ["decimal"] = 0.0020m,
            ["float"] = 0.1f,
            ["bool"] = true,
        };

        Assert.Equal(
            """{"bool":true,"byte":255,"decimal":0.002,"float":0.1,"int":-42,"long":9223372036854775807,"min":-9223372036854775808,"short":7,"uint":4294967295,"ulong":18446744073709551615}""",
            Jcs.CanonicalizeToString(obj));
    }

    [Theory]
    [InlineData("1.0", "1")]
    [InlineData("1E2", "100")]
    [InlineData("-0", "0")]
    [InlineData("-0.0", "0")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("1e21", "1e+21")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    [InlineData("9007199254740993", "9007199254740993")]
    public void Canonicalize_NormalisesParsedNumbers(string json, string expected) =>
        Assert.Equal(expected, Jcs.CanonicalizeToString(JsonNode.Parse(json)));

    [Fact]
    public void Canonicalize_IsStableAcrossParseRoundTrips()
    {
        var random = new Random(8785);
        Span<byte> bits = stackalloc byte[8];
        for (var i = 0; i < 20_000; i++)
        {
            random.NextBytes(bits);
            var value = BitConverter.ToDouble(bits);
            if (!double.IsFinite(value))
            {
                continue;
            }

            var text = Jcs.FormatNumber(value);
            Assert.Equal(value == 0 ? 0 : value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(text, Jcs.CanonicalizeToString(JsonNode.Parse(text)));
        }
    }

    [Fact]
    public void Canonicalize_RefusesExcessiveNesting()
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < 200; i++)
        {
            node = new JsonArray(node);
        }

        Assert.Throws<ArgumentException>(() => Jcs.Canonicalize(node));
    }
}
