using System.Text.Encodings.Web;
using System.Text.Json;

namespace StepUp.Server.Http;

/// <summary>
/// How responses are written: minimal escaping (responses are <c>application/json</c>, never HTML,
/// so <c>&gt;</c> and quotes need no <c>\u</c> escapes and curl output stays readable).
/// </summary>
internal static class JsonOutput
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
