using System.Text.RegularExpressions;

namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// The one place where regular expressions for <c>matches</c> are built: always with the
/// non-backtracking engine (linear-time matching, no catastrophic backtracking), culture-invariant.
/// </summary>
internal static class RegexFactory
{
    public const int MaxPatternLength = 4096;

    public static Regex? TryCreate(string pattern, out string error)
    {
        error = string.Empty;
        if (pattern.Length > MaxPatternLength)
        {
            error = $"pattern is longer than {MaxPatternLength} characters";
            return null;
        }

        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException ex)
        {
            // RegexParseException: a syntax error in the pattern.
            error = ex.Message;
            return null;
        }
        catch (NotSupportedException ex)
        {
            // A construct the non-backtracking engine refuses (backreferences, lookarounds, ...).
            error = ex.Message;
            return null;
        }
    }
}
