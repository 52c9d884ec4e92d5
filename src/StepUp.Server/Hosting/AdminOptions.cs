namespace StepUp.Server.Hosting;

/// <summary><c>StepUp:Admin</c>: who may sign in to <c>/admin</c> and how long a session lives.</summary>
public sealed class AdminOptions
{
    /// <summary>
    /// The subject ids (of app <c>default</c>, or of the signing-in key's app) that may use the
    /// dashboard. Each must have a factor: changes need a step-up of that subject. Empty: nobody can sign in.
    /// </summary>
    public List<string> Subjects { get; set; } = [];

    /// <summary>A session unused this long is gone (default 15 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends this long after sign-in however busy it is (default 8 hours).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(8);
}
