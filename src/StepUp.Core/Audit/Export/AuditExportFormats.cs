namespace StepUp.Core.Audit.Export;

/// <summary>Names, media types and formatters of the <see cref="AuditExportFormat"/>s.</summary>
public static class AuditExportFormats
{
    /// <summary>The names a caller may ask for, in documentation order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["jsonl", "csv", "ocsf"];

    /// <summary>Parses <c>jsonl</c>, <c>csv</c> or <c>ocsf</c> (exact, lowercase).</summary>
    public static bool TryParse(string? name, out AuditExportFormat format)
    {
        switch (name)
        {
            case "jsonl":
                format = AuditExportFormat.Jsonl;
                return true;
            case "csv":
                format = AuditExportFormat.Csv;
                return true;
            case "ocsf":
                format = AuditExportFormat.Ocsf;
                return true;
            default:
                format = default;
                return false;
        }
    }

    /// <summary>The format's name as a caller writes it.</summary>
    public static string Name(this AuditExportFormat format) => format switch
    {
        AuditExportFormat.Csv => "csv",
        AuditExportFormat.Ocsf => "ocsf",
        _ => "jsonl",
    };

    /// <summary>A new formatter for one export (formatters keep per-export buffers; do not share them).</summary>
    /// <param name="format">The format.</param>
    /// <param name="productVersion">StepUp's version for OCSF <c>metadata.product.version</c>; the Core assembly's when null.</param>
    public static AuditEventFormatter CreateFormatter(this AuditExportFormat format, string? productVersion = null) => format switch
    {
        AuditExportFormat.Csv => new CsvAuditFormatter(),
        AuditExportFormat.Ocsf => new OcsfAuditFormatter(new OcsfMapper(productVersion)),
        _ => new JsonlAuditFormatter(),
    };
}
