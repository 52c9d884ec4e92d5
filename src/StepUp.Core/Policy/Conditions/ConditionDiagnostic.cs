namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// A problem found while compiling a condition. <paramref name="Line"/> and <paramref name="Column"/>
/// are 1-based positions inside the condition's own source text (columns count UTF-16 code units).
/// </summary>
internal sealed record ConditionDiagnostic(int Line, int Column, string Message, bool IsWarning)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Line}:{Column}: {(IsWarning ? "warning" : "error")}: {Message}");
}
