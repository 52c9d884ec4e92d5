namespace StepUp.Server.Hosting;

/// <summary>The <c>StepUp</c> configuration section (SPEC §8).</summary>
public sealed class StepUpServerOptions
{
    public const string Section = "StepUp";

    /// <summary>Bootstrap API key with every scope, app <c>default</c>. Unset: only stored keys work.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Policy YAML path; default is the bundled example policy.</summary>
    public string? PolicyPath { get; set; }

    /// <summary>Reload the policy when its file changes (SIGHUP always reloads).</summary>
    public bool PolicyWatch { get; set; } = true;

    /// <summary>Largest accepted request body in bytes (413 above).</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Base URL used in links (challenge pages); default is the first listening address.</summary>
    public string? PublicUrl { get; set; }

    public StorageOptions Storage { get; set; } = new();

    public GeoIpOptions GeoIp { get; set; } = new();

    public AuditOptions Audit { get; set; } = new();

    public SecretsOptions Secrets { get; set; } = new();

    public WebAuthnOptions WebAuthn { get; set; } = new();

    public TokenOptions Tokens { get; set; } = new();

    public RiskOptions Risk { get; set; } = new();

    public AlertOptions Alerts { get; set; } = new();

    /// <summary><c>StepUp:Admin</c>: the dashboard's sign-in and sessions.</summary>
    public AdminOptions Admin { get; set; } = new();

    /// <summary>Origins (scheme, host, port) hosted pages may send users back to with <c>return_to</c>.</summary>
    public List<string> AllowedReturnOrigins { get; set; } = [];

    /// <summary>Reverse proxies (IPs or CIDRs) allowed to call forward auth; their <c>X-Forwarded-For</c> entries are skipped.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    public ForwardAuthOptions ForwardAuth { get; set; } = new();
}

/// <summary><c>StepUp:Storage</c>.</summary>
public sealed class StorageOptions
{
    public string Provider { get; set; } = "sqlite";

    /// <summary>The SQLite default (SPEC §8).</summary>
    public const string DefaultConnectionString = "Data Source=./data/stepup.db";

    public string ConnectionString { get; set; } = DefaultConnectionString;
}

/// <summary><c>StepUp:GeoIp</c>: MaxMind-format database paths.</summary>
public sealed class GeoIpOptions
{
    public string? CityDatabase { get; set; }
    public string? AsnDatabase { get; set; }
    public string? AnonymousIpDatabase { get; set; }
}
