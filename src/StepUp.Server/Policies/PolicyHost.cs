using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using StepUp.Core.Audit;
using StepUp.Core.Policy;
using StepUp.Server.Hosting;
using StepUp.Server.Metrics;
using StepUp.Storage;

namespace StepUp.Server.Policies;

/// <summary>
/// Owns the active policy. A decision reads <see cref="Current"/> once, so a reload between two
/// decisions never mixes two policies inside one. A reload that fails keeps the old policy.
/// Every load and every rejection is audited, logged and counted.
/// </summary>
internal sealed partial class PolicyHost(
    IOptions<StepUpServerOptions> options,
    IAuditAppender audit,
    TimeProvider time,
    StepUpMetrics metrics,
    ILogger<PolicyHost> logger) : IDisposable
{
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private volatile ActivePolicy? _current;

    /// <summary>The file the policy is read from.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(options.Value.PolicyPath ?? DefaultPolicyPath);

    public static string DefaultPolicyPath => System.IO.Path.Combine(AppContext.BaseDirectory, "policy.example.yaml");

    public PolicyLoadOptions LoadOptions { get; } = new()
    {
        GeoAvailable = !string.IsNullOrEmpty(options.Value.GeoIp.CityDatabase),
        AnonymousIpAvailable = !string.IsNullOrEmpty(options.Value.GeoIp.AnonymousIpDatabase),
    };

    public ActivePolicy Current => _current ?? throw new InvalidOperationException("the policy has not been loaded yet");

    /// <summary>Loads at start-up; an invalid policy stops the server with every error listed.</summary>
    public async Task LoadInitialAsync(CancellationToken cancellationToken)
    {
        var result = PolicyLoader.LoadFile(Path, LoadOptions);
        if (result.Policy is null)
        {
            await AuditRejectedAsync(result, cancellationToken);
            var errors = string.Join(Environment.NewLine, result.Errors);
            throw new InvalidPolicyException($"The policy {Path} is invalid:{Environment.NewLine}{errors}");
        }

        await ActivateAsync(result, "startup", cancellationToken);
    }

    /// <summary>Reloads the file; returns whether the new policy is now active.</summary>
    public async Task<bool> ReloadAsync(string trigger, CancellationToken cancellationToken)
    {
        await _reloadLock.WaitAsync(cancellationToken);
        try
        {
            var result = PolicyLoader.LoadFile(Path, LoadOptions);
            if (result.Policy is null)
            {
                LogRejected(Path, trigger, string.Join("; ", result.Errors));
                await AuditRejectedAsync(result, cancellationToken);
                return false;
            }

            if (result.Policy.Version == _current?.Policy.Version)
            {
                return true; // unchanged file (editors often write twice)
            }

            await ActivateAsync(result, trigger, cancellationToken);
            return true;
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    private async Task ActivateAsync(PolicyLoadResult result, string trigger, CancellationToken cancellationToken)
    {
        var policy = result.Policy!;
        var previous = _current?.Policy.Version;
        _current = new ActivePolicy(policy, time.GetUtcNow());
        foreach (var warning in policy.Warnings)
        {
            LogWarning(warning.ToString());
        }

        LogLoaded(Path, policy.Version, policy.Rules.Count, trigger);
        metrics.PolicyReloaded("loaded");
        var payload = new JsonObject
        {
            ["outcome"] = "success",
            ["severity"] = "info",
            ["policy_version"] = policy.Version,
            ["policy"] = new JsonObject
            {
                ["path"] = Path,
                ["rules"] = policy.Rules.Count,
                ["trigger"] = trigger,
                ["warnings"] = policy.Warnings.Count,
                // The text itself, so the dashboard can show any version and diff two (policies hold no secrets).
                ["text"] = policy.Text,
            },
        };
        if (previous is not null)
        {
            payload["policy"]!["previous_version"] = previous;
        }

        await audit.AppendAsync(new AuditEventDraft { Type = "policy.loaded", Payload = payload }, cancellationToken);
    }

    private async Task AuditRejectedAsync(PolicyLoadResult result, CancellationToken cancellationToken)
    {
        metrics.PolicyReloaded("rejected");
        var errors = new JsonArray();
        foreach (var error in result.Errors.Take(50))
        {
            errors.Add(error.ToString());
        }

        var payload = new JsonObject
        {
            ["outcome"] = "failure",
            ["severity"] = "high",
            ["reason"] = "invalid_policy",
            ["policy"] = new JsonObject { ["path"] = Path, ["errors"] = errors },
        };
        if (_current is not null)
        {
            payload["policy_version"] = _current.Policy.Version;
        }

        await audit.AppendAsync(new AuditEventDraft { Type = "policy.rejected", Payload = payload }, cancellationToken);
    }

    public void Dispose() => _reloadLock.Dispose();

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Policy {Path} loaded: version {Version}, {Rules} rules ({Trigger})")]
    private partial void LogLoaded(string path, string version, int rules, string trigger);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Policy {Path} rejected on {Trigger}; the previous policy stays active: {Errors}")]
    private partial void LogRejected(string path, string trigger, string errors);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Policy warning: {Warning}")]
    private partial void LogWarning(string warning);
}

/// <summary>A policy and when it became active.</summary>
internal sealed record ActivePolicy(CompiledPolicy Policy, DateTimeOffset LoadedAt);
