using StepUp.Core.Policy;

namespace StepUp.Core.Tests.Policy;

public class TextDiffTests
{
    private static string Render(IEnumerable<DiffLine> lines) => string.Join("\n", lines.Select(l => l.Kind + l.Text));

    [Fact]
    public void ChangedLine_IsARemovalAndAnAddition_BetweenUnchangedLines()
    {
        var diff = TextDiff.Lines("rules:\n  - id: a\n    level: aal2\n", "rules:\n  - id: a\n    level: aal3\n");
        Assert.Equal(" rules:\n   - id: a\n-    level: aal2\n+    level: aal3", Render(diff));
    }

    [Fact]
    public void InsertedAndDeletedLines_KeepTheCommonOnesInOrder()
    {
        var diff = TextDiff.Lines("a\nb\nc\nd", "a\nc\nd\ne");
        Assert.Equal(" a\n-b\n c\n d\n+e", Render(diff));
    }

    [Fact]
    public void SameText_HasNoChanges_AndEmptyTextsHaveNoLines()
    {
        Assert.All(TextDiff.Lines("x\r\ny\n", "x\ny"), l => Assert.Equal(' ', l.Kind));
        Assert.Empty(TextDiff.Lines(string.Empty, string.Empty));
    }
}
