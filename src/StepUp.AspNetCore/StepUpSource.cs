namespace StepUp.AspNetCore;

/// <summary>What let a protected request through.</summary>
public enum StepUpSource
{
    /// <summary>StepUp answered <c>allow</c> to a decision request.</summary>
    Decision = 0,

    /// <summary>A valid, non-<c>once</c> elevation token was checked locally; StepUp was not called.</summary>
    LocalToken = 1,

    /// <summary>StepUp could not be reached and <see cref="StepUpOptions.FailOpen"/> is set.</summary>
    FailOpen = 2,
}
