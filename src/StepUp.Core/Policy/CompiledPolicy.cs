namespace StepUp.Core.Policy;

/// <summary>A validated, compiled policy file. Immutable: a reload builds a new one and swaps it in.</summary>
public sealed class CompiledPolicy
{
    /// <summary>Lowercase hex SHA-256 of the file's text (UTF-8, without a BOM): the <c>policy_version</c> of decisions.</summary>
    public required string Version { get; init; }

    public required string Source { get; init; }

    public required string Text { get; init; }

    public required PolicyDefaults Defaults { get; init; }

    public required IReadOnlyDictionary<AssuranceLevel, LevelRequirement> Levels { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Lists { get; init; }

    public required IReadOnlyList<PolicyRule> Rules { get; init; }

    public required IReadOnlyList<PolicyRoute> Routes { get; init; }

    public required LockoutSettings Lockout { get; init; }

    public required IReadOnlyDictionary<string, DetectorSettings> Alerts { get; init; }

    /// <summary>Warnings found at load time (the policy is still valid).</summary>
    public IReadOnlyList<PolicyDiagnostic> Warnings { get; init; } = [];
}

/// <summary>The <c>defaults:</c> section.</summary>
public sealed record PolicyDefaults
{
    public RuleEffect Decision { get; init; } = RuleEffect.Allow;
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(15);
    public TimeSpan ChallengeTtl { get; init; } = TimeSpan.FromMinutes(5);
    public int MaxAttempts { get; init; } = 5;
}

/// <summary>What a level demands of a step-up (the <c>levels:</c> section).</summary>
public sealed record LevelRequirement(StepUpMethods Methods, bool UserVerificationRequired, bool DeviceBound);

/// <summary>A forward-auth route: request method and path glob mapped to an action.</summary>
public sealed record PolicyRoute(string? Method, string Path, string Action);

/// <summary>The <c>lockout:</c> section (NIST 800-63B throttling).</summary>
public sealed record LockoutSettings
{
    public int Threshold { get; init; } = 10;
    public TimeSpan BackoffMin { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>One detector of the <c>alerts:</c> section; unset values take the SPEC §5 defaults.</summary>
public sealed record DetectorSettings
{
    /// <summary>The longest detector window.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    public bool Enabled { get; init; } = true;
    public int? Threshold { get; init; }
    public TimeSpan? Window { get; init; }
    public double? Factor { get; init; }
    public int? Minimum { get; init; }
}
