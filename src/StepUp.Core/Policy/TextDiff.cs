namespace StepUp.Core.Policy;

/// <summary>One line of a diff: <c>' '</c> unchanged, <c>'-'</c> only in the old text, <c>'+'</c> only in the new.</summary>
public readonly record struct DiffLine(char Kind, string Text);

/// <summary>A line diff (longest common subsequence) for showing two policy versions side by side.</summary>
public static class TextDiff
{
    /// <summary>Longer texts are compared as a whole (all old lines removed, all new added).</summary>
    public const int MaxLines = 2000;

    public static IReadOnlyList<DiffLine> Lines(string before, string after)
    {
        var a = Split(before);
        var b = Split(after);
        if (a.Length > MaxLines || b.Length > MaxLines)
        {
            return [.. a.Select(l => new DiffLine('-', l)), .. b.Select(l => new DiffLine('+', l))];
        }

        // lcs[i, j]: length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<DiffLine>(a.Length + b.Length);
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y])
            {
                lines.Add(new DiffLine(' ', a[x++]));
                y++;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1])
            {
                lines.Add(new DiffLine('-', a[x++]));
            }
            else
            {
                lines.Add(new DiffLine('+', b[y++]));
            }
        }

        while (x < a.Length)
        {
            lines.Add(new DiffLine('-', a[x++]));
        }

        while (y < b.Length)
        {
            lines.Add(new DiffLine('+', b[y++]));
        }

        return lines;
    }

    private static string[] Split(string text) => text.Length == 0 ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
}
