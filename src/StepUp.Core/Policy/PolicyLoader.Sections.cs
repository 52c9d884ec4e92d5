using YamlDotNet.RepresentationModel;

namespace StepUp.Core.Policy;

public static partial class PolicyLoader
{
    private static readonly string[] DefaultsKeys = ["decision", "max_age", "challenge_ttl", "max_attempts"];
    private static readonly string[] LevelKeys = ["methods", "user_verification", "device_bound"];
    private static readonly string[] RouteKeys = ["method", "path", "action"];
    private static readonly string[] LockoutKeys = ["threshold", "backoff_min", "backoff_max"];
    private static readonly string[] DetectorKeys = ["enabled", "threshold", "window", "factor", "minimum"];

    /// <summary>The detectors of SPEC §5; <c>alerts:</c> may tune or disable each.</summary>
    public static readonly IReadOnlyList<string> DetectorNames =
        ["subject_failures", "ip_failures", "failure_spike", "trigger_spike", "denied_region", "impossible_travel"];

    private static readonly string[] HttpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    private static PolicyDefaults ReadDefaults(LoadContext context, YamlNode? node)
    {
        var defaults = new PolicyDefaults();
        var map = AsMapping(context, node, "defaults");
        if (map is null)
        {
            return defaults;
        }

        CheckKeys(context, map, DefaultsKeys, "defaults");
        var decisionNode = Child(map, "decision");
        var decision = AsString(context, decisionNode, "defaults.decision");
        if (decision is not null && decision != "allow" && decision != "deny")
        {
            context.Error(decisionNode!, $"defaults.decision must be 'allow' or 'deny', not '{decision}'");
        }

        return defaults with
        {
            Decision = decision == "deny" ? RuleEffect.Deny : RuleEffect.Allow,
            MaxAge = AsDuration(context, Child(map, "max_age"), "defaults.max_age") ?? defaults.MaxAge,
            ChallengeTtl = AsDuration(context, Child(map, "challenge_ttl"), "defaults.challenge_ttl") ?? defaults.ChallengeTtl,
            MaxAttempts = AsInt(context, Child(map, "max_attempts"), "defaults.max_attempts", 1, 100) ?? defaults.MaxAttempts,
        };
    }

    private static Dictionary<AssuranceLevel, LevelRequirement> ReadLevels(LoadContext context, YamlNode? node)
    {
        var levels = new Dictionary<AssuranceLevel, LevelRequirement>
        {
            [AssuranceLevel.Aal2] = new(StepUpMethods.WebAuthn | StepUpMethods.Totp | StepUpMethods.RecoveryCode, false, false),
            [AssuranceLevel.Aal3] = new(StepUpMethods.WebAuthn, true, true),
        };
        var map = AsMapping(context, node, "levels");
        if (map is null)
        {
            return levels;
        }

        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value;
            if (!PolicyNames.TryParseLevel(name, out var level) || level == AssuranceLevel.Aal1)
            {
                context.Error(key, $"unknown level '{name}' (levels: aal2, aal3)");
                continue;
            }

            var levelMap = AsMapping(context, value, $"levels.{name}");
            if (levelMap is null)
            {
                continue;
            }

            CheckKeys(context, levelMap, LevelKeys, $"levels.{name}");
            var methods = ReadMethods(context, Child(levelMap, "methods"), $"levels.{name}.methods") ?? levels[level].Methods;
            if (level == AssuranceLevel.Aal3 && (methods & ~StepUpMethods.WebAuthn) != 0)
            {
                context.Error(Child(levelMap, "methods")!, "aal3 can only be met by webauthn (NIST SP 800-63B-4)");
            }

            var uvNode = Child(levelMap, "user_verification");
            var uv = AsString(context, uvNode, $"levels.{name}.user_verification");
            if (uv is not null && uv != "required" && uv != "preferred" && uv != "discouraged")
            {
                context.Error(uvNode!, $"user_verification must be required, preferred or discouraged, not '{uv}'");
            }

            var deviceBound = AsBool(context, Child(levelMap, "device_bound"), $"levels.{name}.device_bound");
            levels[level] = new LevelRequirement(
                methods,
                uv is null ? levels[level].UserVerificationRequired : uv == "required",
                deviceBound ?? levels[level].DeviceBound);
        }

        return levels;
    }

    private static StepUpMethods? ReadMethods(LoadContext context, YamlNode? node, string what)
    {
        var seq = AsSequence(context, node, what);
        if (seq is null)
        {
            return null;
        }

        var methods = StepUpMethods.None;
        foreach (var item in seq)
        {
            var name = AsString(context, item, what);
            if (name is null)
            {
                continue;
            }

            if (!PolicyNames.TryParseMethod(name, out var method))
            {
                context.Error(item, $"unknown method '{name}' (methods: webauthn, totp, recovery_code)");
                continue;
            }

            methods |= method;
        }

        if (seq.Children.Count == 0)
        {
            context.Error(node!, $"{what} must name at least one method");
        }

        return methods;
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadLists(LoadContext context, YamlNode? node)
    {
        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var map = AsMapping(context, node, "lists");
        if (map is null)
        {
            return lists;
        }

        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (!IsIdentifier(name))
            {
                context.Error(key, $"list name '{name}' must be an identifier (letters, digits, _)");
                continue;
            }

            var seq = AsSequence(context, value, $"lists.{name}");
            if (seq is null)
            {
                continue;
            }

            var items = new List<string>(seq.Children.Count);
            foreach (var item in seq)
            {
                var text = AsString(context, item, $"lists.{name} item");
                if (text is not null)
                {
                    items.Add(text);
                }
            }

            lists[name] = items;
        }

        return lists;
    }

    private static List<PolicyRoute> ReadRoutes(LoadContext context, YamlNode? node)
    {
        var routes = new List<PolicyRoute>();
        var seq = AsSequence(context, node, "routes");
        if (seq is null)
        {
            return routes;
        }

        foreach (var item in seq)
        {
            var map = AsMapping(context, item, "a route");
            if (map is null)
            {
                continue;
            }

            CheckKeys(context, map, RouteKeys, "route");
            var methodNode = Child(map, "method");
            var method = AsString(context, methodNode, "route.method")?.ToUpperInvariant();
            if (method is not null && Array.IndexOf(HttpMethods, method) < 0)
            {
                context.Error(methodNode!, $"unknown HTTP method '{method}'");
            }

            var pathNode = Child(map, "path");
            var path = AsString(context, pathNode, "route.path");
            if (path is null || !path.StartsWith('/'))
            {
                context.Error(pathNode ?? map, "a route needs a 'path' starting with '/'");
            }

            var actionNode = Child(map, "action");
            var action = AsString(context, actionNode, "route.action");
            if (action is null || !IsActionName(action))
            {
                context.Error(actionNode ?? map, "a route needs an 'action' (a dotted name such as payments.transfer)");
            }

            if (path is not null && action is not null)
            {
                routes.Add(new PolicyRoute(method, path, action));
            }
        }

        return routes;
    }

    private static LockoutSettings ReadLockout(LoadContext context, YamlNode? node)
    {
        var lockout = new LockoutSettings();
        var map = AsMapping(context, node, "lockout");
        if (map is null)
        {
            return lockout;
        }

        CheckKeys(context, map, LockoutKeys, "lockout");
        lockout = lockout with
        {
            Threshold = AsInt(context, Child(map, "threshold"), "lockout.threshold", 1, 1000) ?? lockout.Threshold,
            BackoffMin = AsDuration(context, Child(map, "backoff_min"), "lockout.backoff_min") ?? lockout.BackoffMin,
            BackoffMax = AsDuration(context, Child(map, "backoff_max"), "lockout.backoff_max") ?? lockout.BackoffMax,
        };
        if (lockout.BackoffMax < lockout.BackoffMin)
        {
            context.Error(map, "lockout.backoff_max must not be shorter than lockout.backoff_min");
        }

        return lockout;
    }

    private static Dictionary<string, DetectorSettings> ReadAlerts(LoadContext context, YamlNode? node)
    {
        var alerts = new Dictionary<string, DetectorSettings>(StringComparer.Ordinal);
        foreach (var name in DetectorNames)
        {
            alerts[name] = new DetectorSettings();
        }

        var map = AsMapping(context, node, "alerts");
        if (map is null)
        {
            return alerts;
        }

        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (!alerts.ContainsKey(name))
            {
                context.Error(key, $"unknown detector '{name}' (detectors: {string.Join(", ", DetectorNames)})");
                continue;
            }

            var detector = AsMapping(context, value, $"alerts.{name}");
            if (detector is null)
            {
                continue;
            }

            CheckKeys(context, detector, DetectorKeys, $"alerts.{name}");
            var windowNode = Child(detector, "window");
            var window = AsDuration(context, windowNode, $"alerts.{name}.window");
            if (window is { } w && (w < TimeSpan.FromMinutes(1) || w > DetectorSettings.MaxWindow))
            {
                context.Error(windowNode!, $"alerts.{name}.window must be between 1m and 1h (detectors count per minute over the last hour)");
            }

            alerts[name] = new DetectorSettings
            {
                Enabled = AsBool(context, Child(detector, "enabled"), $"alerts.{name}.enabled") ?? true,
                Threshold = AsInt(context, Child(detector, "threshold"), $"alerts.{name}.threshold", 1, 1_000_000),
                Window = window,
                Factor = AsDouble(context, Child(detector, "factor"), $"alerts.{name}.factor"),
                Minimum = AsInt(context, Child(detector, "minimum"), $"alerts.{name}.minimum", 0, 1_000_000),
            };
        }

        return alerts;
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>A dotted action name: segments of letters, digits, '_' and '-'.</summary>
    public static bool IsActionName(string action) =>
        action.Length is > 0 and <= 200 && action.Split('.').All(s => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'));
}
