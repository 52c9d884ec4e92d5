using System.Collections.Frozen;

namespace StepUp.Server.Pages;

/// <summary>
/// The pages' scripts and stylesheet, embedded in the assembly (no CDN, no file system) and
/// served from <c>/pages/assets/{name}</c>. Only the embedded files exist.
/// </summary>
internal sealed class PageAssets
{
    private const string ResourcePrefix = "StepUp.Pages.";

    private readonly FrozenDictionary<string, (byte[] Content, string ContentType)> _files;

    private PageAssets(FrozenDictionary<string, (byte[], string)> files) => _files = files;

    public IResult Get(string name) =>
        _files.TryGetValue(name, out var file)
            ? Results.Bytes(file.Content, file.ContentType)
            : Results.NotFound();

    /// <summary>Reads the embedded assets once, at start-up.</summary>
    /// <exception cref="InvalidOperationException">The build did not embed them.</exception>
    public static PageAssets Load()
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
            : new PageAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
