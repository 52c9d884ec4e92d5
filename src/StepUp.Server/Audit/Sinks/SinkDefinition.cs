using System.Text;
using StepUp.Core.Audit.Sinks;
using StepUp.Server.Hosting;

namespace StepUp.Server.Audit.Sinks;

/// <summary>The kind of receiver a sink delivers to.</summary>
internal enum SinkKind
{
    Webhook,
    Syslog,
}

/// <summary>One sink's configuration, checked and parsed (<see cref="TryCreate"/> names every problem).</summary>
internal sealed class SinkDefinition
{
    public const int MinSecretLength = 16;

    public required string Name { get; init; }

    public required SinkKind Kind { get; init; }

    public required EventTypeFilter Filter { get; init; }

    public required bool StartAtEnd { get; init; }

    public required int BatchSize { get; init; }

    public required TimeSpan Timeout { get; init; }

    public Uri? Url { get; init; }

    public byte[] Secret { get; init; } = [];

    public string Host { get; init; } = string.Empty;

    public int Port { get; init; }

    public bool Udp { get; init; }

    public string AppName { get; init; } = "stepup";

    public int Facility { get; init; } = SyslogFacility.AuthPriv;

    public bool Utf8Bom { get; init; } = true;

    /// <summary><c>webhook</c> or <c>syslog</c>.</summary>
    public string TypeName => Kind == SinkKind.Webhook ? "webhook" : "syslog";

    /// <summary>Parses <paramref name="options"/>; adds each problem, prefixed with its configuration key, to <paramref name="errors"/>.</summary>
    public static SinkDefinition? TryCreate(AuditSinkOptions options, int index, List<string> errors) =>
        TryCreate(options, $"StepUp:Audit:Sinks:{index}:", errors);

    /// <summary>As <see cref="TryCreate(AuditSinkOptions, int, List{string})"/>, with each problem prefixed by <paramref name="prefix"/>.</summary>
    public static SinkDefinition? TryCreate(AuditSinkOptions options, string prefix, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var before = errors.Count;
        void Error(string key, string message) => errors.Add(prefix + key + ": " + message);

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            Error("Name", "is required");
        }
        else if (options.Name.Length > 64 || !options.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            Error("Name", "must be 1 to 64 characters of A-Z, a-z, 0-9, '-', '_', '.'");
        }

        SinkKind? kind = options.Type?.Trim().ToLowerInvariant() switch
        {
            "webhook" => SinkKind.Webhook,
            "syslog" => SinkKind.Syslog,
            _ => null,
        };
        if (kind is null)
        {
            Error("Type", string.IsNullOrWhiteSpace(options.Type) ? "is required (webhook or syslog)" : $"'{options.Type}' is not webhook or syslog");
        }

        var filterErrors = new List<string>();
        var filter = EventTypeFilter.TryCreate(options.Types ?? [], filterErrors);
        foreach (var error in filterErrors)
        {
            Error("Types", error);
        }

        bool? startAtEnd = options.StartFrom?.Trim().ToLowerInvariant() switch
        {
            "beginning" or "" or null => false,
            "end" => true,
            _ => null,
        };
        if (startAtEnd is null)
        {
            Error("StartFrom", $"'{options.StartFrom}' is not beginning or end");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            Error("BatchSize", "must be 1 to 1000");
        }

        if (options.TimeoutSeconds is < 1 or > 300)
        {
            Error("TimeoutSeconds", "must be 1 to 300");
        }

        Uri? url = null;
        var facility = SyslogFacility.AuthPriv;
        var udp = true;
        if (kind == SinkKind.Webhook)
        {
            if (string.IsNullOrWhiteSpace(options.Url))
            {
                Error("Url", "is required for a webhook sink");
            }
            else if (!Uri.TryCreate(options.Url, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                Error("Url", "must be an absolute http or https URL");
            }
            else if (!string.IsNullOrEmpty(url.UserInfo))
            {
                Error("Url", "must not carry user:password (the signature authenticates StepUp)");
            }

            if (string.IsNullOrEmpty(options.Secret) || options.Secret.Length < MinSecretLength)
            {
                Error("Secret", $"is required for a webhook sink, at least {MinSecretLength} characters");
            }
        }
        else if (kind == SinkKind.Syslog)
        {
            if (string.IsNullOrWhiteSpace(options.Host))
            {
                Error("Host", "is required for a syslog sink");
            }

            if (options.Port is < 1 or > 65535)
            {
                Error("Port", "must be 1 to 65535");
            }

            switch (options.Protocol?.Trim().ToLowerInvariant())
            {
                case "udp" or "" or null:
                    udp = true;
                    break;
                case "tcp":
                    udp = false;
                    break;
                default:
                    Error("Protocol", $"'{options.Protocol}' is not udp or tcp");
                    break;
            }

            if (string.IsNullOrEmpty(options.AppName) || options.AppName.Length > Core.Audit.Sinks.Rfc5424.MaxAppNameLength ||
                !options.AppName.All(c => c is >= '!' and <= '~'))
            {
                Error("AppName", $"must be 1 to {Core.Audit.Sinks.Rfc5424.MaxAppNameLength} printable ASCII characters without spaces");
            }

            if (!SyslogFacility.TryParse(options.Facility, out facility))
            {
                Error("Facility", $"'{options.Facility}' is not a facility name ({string.Join(", ", SyslogFacility.KnownNames)}) or code 0-23");
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new SinkDefinition
        {
            Name = options.Name,
            Kind = kind!.Value,
            Filter = filter!,
            StartAtEnd = startAtEnd!.Value,
            BatchSize = options.BatchSize,
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            Url = url,
            Secret = kind == SinkKind.Webhook ? Encoding.UTF8.GetBytes(options.Secret!) : [],
            Host = options.Host?.Trim() ?? string.Empty,
            Port = options.Port,
            Udp = udp,
            AppName = options.AppName,
            Facility = facility,
            Utf8Bom = options.Utf8Bom,
        };
    }

    /// <summary>Every sink, or every problem at once (including duplicate names).</summary>
    public static IReadOnlyList<SinkDefinition> CreateAll(IReadOnlyList<AuditSinkOptions> sinks, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        var definitions = new List<SinkDefinition>(sinks.Count);
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < sinks.Count; i++)
        {
            if (TryCreate(sinks[i], i, errors) is { } definition)
            {
                definitions.Add(definition);
            }

            var name = sinks[i].Name;
            if (!string.IsNullOrWhiteSpace(name))
            {
                if (names.TryGetValue(name, out var first))
                {
                    errors.Add($"StepUp:Audit:Sinks:{i}:Name: '{name}' is already the name of sink {first} (names are compared ignoring case)");
                }
                else
                {
                    names[name] = i;
                }
            }
        }

        return definitions;
    }
}
