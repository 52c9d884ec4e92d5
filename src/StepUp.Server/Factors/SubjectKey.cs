namespace StepUp.Server.Factors;

/// <summary>
/// Subjects are per app: "alice" of one app is not "alice" of another. Factors, recovery codes,
/// lockout state and WebAuthn user handles are stored under this key, so one app's key can never
/// enrol, read, lock or answer for another app's user. App names cannot contain the separator.
/// </summary>
internal static class SubjectKey
{
    private const char Separator = '\u001f';

    public static string For(string app, string subjectId) => app + Separator + subjectId;
}
