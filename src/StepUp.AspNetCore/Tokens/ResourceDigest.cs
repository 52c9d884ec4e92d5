using System.Buffers;
using System.Text.Json;
using StepUp.AspNetCore.Decisions;
using StepUp.Core.Decisions;
using StepUp.Core.Elevations;

namespace StepUp.AspNetCore.Tokens;

/// <summary>
/// The digest StepUp binds an elevation to (hex SHA-256 of the RFC 8785 form of the resource's
/// attributes), computed from the very JSON a decision request would carry and read back with
/// StepUp's own request reader, so numbers are normalised exactly as the server does.
/// </summary>
internal static class ResourceDigest
{
    private const string AnyAction = "stepup.digest";

    /// <summary>The binding of <paramref name="resource"/>, or null when StepUp would not accept its attributes.</summary>
    public static ResourceBinding? Of(StepUpResource resource)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("subject");
            writer.WriteString("id", "-");
            writer.WriteEndObject();
            writer.WriteString("action", AnyAction);
            writer.WritePropertyName("resource");
            DecisionJson.WriteResource(writer, resource);
            writer.WriteEndObject();
        }

        using var document = JsonDocuments.TryParse(buffer.WrittenMemory);
        if (document is null)
        {
            return null;
        }

        var request = DecisionRequestReader.Read(document.RootElement, DateTimeOffset.UnixEpoch, []);
        return ResourceBinding.From(request?.Input.Resource);
    }
}
