namespace StepUp.Core.Policy;

/// <summary>NIST SP 800-63B-4 authentication assurance levels, ordered.</summary>
public enum AssuranceLevel
{
    Aal1 = 1,
    Aal2 = 2,
    Aal3 = 3,
}

/// <summary>Step-up methods, as flags so that intersecting rule requirements allocates nothing.</summary>
[Flags]
public enum StepUpMethods
{
    None = 0,
    WebAuthn = 1,
    Totp = 2,
    RecoveryCode = 4,
}

/// <summary>Names of levels and methods as they appear in policies, responses and events.</summary>
public static class PolicyNames
{
    private static readonly (StepUpMethods Method, string Name)[] MethodNames =
    [
        (StepUpMethods.WebAuthn, "webauthn"),
        (StepUpMethods.Totp, "totp"),
        (StepUpMethods.RecoveryCode, "recovery_code"),
    ];

    public static string ToName(this AssuranceLevel level) => level switch
    {
        AssuranceLevel.Aal1 => "aal1",
        AssuranceLevel.Aal2 => "aal2",
        _ => "aal3",
    };

    /// <summary>The RFC 9470 <c>acr</c> value of a level.</summary>
    public static string ToAcr(this AssuranceLevel level) => "urn:stepup:" + level.ToName();

    public static bool TryParseLevel(string? text, out AssuranceLevel level)
    {
        switch (text)
        {
            case "aal1": level = AssuranceLevel.Aal1; return true;
            case "aal2": level = AssuranceLevel.Aal2; return true;
            case "aal3": level = AssuranceLevel.Aal3; return true;
            default: level = default; return false;
        }
    }

    public static bool TryParseMethod(string? text, out StepUpMethods method)
    {
        foreach (var (m, name) in MethodNames)
        {
            if (name == text)
            {
                method = m;
                return true;
            }
        }

        method = StepUpMethods.None;
        return false;
    }

    /// <summary>Method names in a stable order (webauthn, totp, recovery_code).</summary>
    public static IReadOnlyList<string> ToNames(this StepUpMethods methods)
    {
        var names = new List<string>(3);
        foreach (var (m, name) in MethodNames)
        {
            if ((methods & m) != 0)
            {
                names.Add(name);
            }
        }

        return names;
    }
}
