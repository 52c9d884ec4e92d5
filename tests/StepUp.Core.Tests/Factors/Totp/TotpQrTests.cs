using System.Text;
using System.Xml;
using System.Xml.Linq;
using StepUp.Core.Factors.Totp;

namespace StepUp.Core.Tests.Factors.Totp;

public sealed class TotpQrTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly string Uri = OtpAuthUri.Create("StepUp", "alice@example.com", "12345678901234567890"u8);

    [Fact]
    public void Svg_IsWellFormedSelfContainedSvg()
    {
        var svg = TotpQr.Svg(Uri);

        var document = XDocument.Parse(svg, LoadOptions.None);
        var root = document.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Matches(@"^0 0 \d+ \d+$", root.Attribute("viewBox")?.Value);
        Assert.True(int.Parse(root.Attribute("width")!.Value) >= 150);
        Assert.Equal(root.Attribute("width")!.Value, root.Attribute("height")!.Value);
        Assert.All(document.Descendants(), e => Assert.Contains(e.Name.LocalName, new[] { "svg", "rect", "path" }));
        Assert.DoesNotContain("href", svg, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", svg, StringComparison.OrdinalIgnoreCase);
        var path = Assert.Single(document.Descendants(Svg + "path"));
        Assert.True(path.Attribute("d")!.Value.Length > 1_000, "the QR path is too short to hold a code");
    }

    [Fact]
    public void Svg_CannotBeParsedAsSomethingElse()
    {
        // Strict parsing: no DTD, so the SVG can be inlined in HTML without surprises.
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(TotpQr.Svg(Uri)), settings);
        while (reader.Read())
        {
        }

        Assert.Equal(ReadState.EndOfFile, reader.ReadState);
    }

    [Theory]
    [InlineData("StepUp", "alice@example.com")]
    [InlineData("ACME Corp", "urn:user:42")]
    [InlineData("Société Générale", "zoë 日本")]
    public void Svg_DecodesBackToTheUri(string issuer, string account)
    {
        // An outside round trip: librsvg renders the SVG, zbar reads the QR code in the picture.
        var uri = OtpAuthUri.Create(issuer, account, TotpSecret.Generate());
        var svg = TotpQr.Svg(uri);

        var png = ExternalTool.Run("rsvg-convert", "librsvg2-bin", ["--format=png"], Encoding.UTF8.GetBytes(svg));
        var decoded = ExternalTool.Run("zbarimg", "zbar-tools", ["--quiet", "--raw", "-"], png);

        Assert.Equal(uri, Encoding.UTF8.GetString(decoded).TrimEnd('\n'));
    }

    [Fact]
    public void Svg_RejectsAnEmptyUri() => Assert.ThrowsAny<ArgumentException>(() => TotpQr.Svg(""));
}
