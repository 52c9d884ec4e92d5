using QRCoder;

namespace StepUp.Core.Factors.Totp;

/// <summary>The enrolment QR code as a self-contained SVG, to inline in a page or return in the API.</summary>
public static class TotpQr
{
    // Medium error correction (15 %) survives a smudged screen at little size cost; 6 px modules render
    // sharply at 1x and the SVG scales anyway. The quiet zone is part of the image so no CSS can clip it.
    private const int PixelsPerModule = 6;

    /// <summary>
    /// An <c>&lt;svg&gt;</c> element (no XML declaration, no scripts, no external references) that encodes
    /// <paramref name="otpauthUri"/>: a white background and one black path, with width, height and viewBox set.
    /// </summary>
    /// <exception cref="ArgumentException">The URI is empty.</exception>
    public static string Svg(string otpauthUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(otpauthUri);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        using var svg = new SvgQRCode(data);
        return svg.GetGraphic(PixelsPerModule, "#000000", "#ffffff", drawQuietZones: true, SvgQRCode.SizingMode.WidthHeightAttribute);
    }
}
