namespace StepUp.Core.Security;

/// <summary>API key scopes (SPEC §3).</summary>
public static class ApiKeyScopes
{
    public const string Decisions = "decisions";
    public const string Factors = "factors";
    public const string AuditRead = "audit:read";
    public const string Admin = "admin";

    /// <summary>Every scope, in documentation order (the bootstrap key has them all).</summary>
    public static IReadOnlyList<string> All { get; } = [Decisions, Factors, AuditRead, Admin];

    /// <summary>True for a scope StepUp knows.</summary>
    public static bool IsKnown(string? scope) => scope is Decisions or Factors or AuditRead or Admin;
}
