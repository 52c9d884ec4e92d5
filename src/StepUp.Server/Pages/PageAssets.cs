using System.Collections.Frozen;

namespace StepUp.Server.Pages;

/// <summary>
/// The pages' scripts and stylesheet, embedded in the assembly (no CDN, no file system) and
/// served from <c>/pages/assets/{name}</c>. Only the files listed here exist.
/// </summary>
internal static class PageAssets
{
    private const string ResourcePrefix = "StepUp.Pages.";

    private static readonly FrozenDictionary<string, (byte[] Content, string ContentType)> Files = Load();

    public static IResult Get(string name) =>
        Files.TryGetValue(name, out var file)
            ? Results.Bytes(file.Content, file.ContentType)
            : Results.NotFound();

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(PageAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => null,
            };
            if (type is null)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files[name] = (buffer.ToArray(), type);
        }

        return files.Count == 0
            ? throw new InvalidOperationException("the hosted pages' assets are not embedded in StepUp.Server")
            : files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
