namespace StepUp.Core.Policy.Conditions;

/// <summary>Collects diagnostics by source offset while compiling; converts them to line and column at the end.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<(int Offset, string Message, bool IsWarning)> _items = [];

    public bool HasErrors { get; private set; }

    public void Error(int offset, string message)
    {
        if (Contains(offset, message))
        {
            return;
        }

        _items.Add((offset, message, false));
        HasErrors = true;
    }

    public void Warning(int offset, string message)
    {
        if (!Contains(offset, message))
        {
            _items.Add((offset, message, true));
        }
    }

    /// <summary>Appends every diagnostic, ordered by position, to <paramref name="target"/>.</summary>
    public void CopyTo(string source, ICollection<ConditionDiagnostic> target)
    {
        // Stable sort by offset keeps lexer, parser and type errors at one spot in discovery order.
        var ordered = new List<(int Offset, string Message, bool IsWarning, int Index)>(_items.Count);
        for (var i = 0; i < _items.Count; i++)
        {
            ordered.Add((_items[i].Offset, _items[i].Message, _items[i].IsWarning, i));
        }

        ordered.Sort(static (a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : a.Index.CompareTo(b.Index));
        foreach (var item in ordered)
        {
            var (line, column) = ToLineColumn(source, item.Offset);
            target.Add(new ConditionDiagnostic(line, column, item.Message, item.IsWarning));
        }
    }

    internal static (int Line, int Column) ToLineColumn(string source, int offset)
    {
        offset = Math.Clamp(offset, 0, source.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }

    private bool Contains(int offset, string message)
    {
        foreach (var item in _items)
        {
            if (item.Offset == offset && string.Equals(item.Message, message, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
