using System.Text.Json;

namespace StepUp.AspNetCore.Decisions;

/// <summary>Parses JSON that comes from the network, where malformed input is a result, not an error.</summary>
internal static class JsonDocuments
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    /// <summary>The document, or null when <paramref name="json"/> is not well-formed JSON.</summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
