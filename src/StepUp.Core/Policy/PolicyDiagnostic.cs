using System.Globalization;

namespace StepUp.Core.Policy;

/// <summary>A problem found while loading a policy, with its position in the file (1-based).</summary>
public sealed record PolicyDiagnostic(string File, int Line, int Column, string Message, bool IsWarning = false)
{
    /// <summary>Compiler-style text: <c>file:line:column: error: message</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{File}:{Line}:{Column}: {(IsWarning ? "warning" : "error")}: {Message}");
}
