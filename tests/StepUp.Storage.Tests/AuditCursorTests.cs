namespace StepUp.Storage.Tests;

public sealed class AuditCursorTests
{
    [Fact]
    public void AuditCursor_RoundTrips()
    {
        foreach (var seq in (long[])[1, 10, 255, 256, 1L << 40, long.MaxValue])
        {
            Assert.True(AuditCursor.TryDecode(AuditCursor.Encode(seq), out var decoded));
            Assert.Equal(seq, decoded);
        }
    }
}
