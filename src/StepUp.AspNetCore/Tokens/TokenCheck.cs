namespace StepUp.AspNetCore.Tokens;

/// <summary>A local token check: the verdict, the elevation id (<c>jti</c>) and whether it is a <c>once</c> grant.</summary>
internal readonly record struct TokenCheck(TokenVerdict Verdict, string? ElevationId = null, bool Once = false)
{
    /// <summary>A valid grant that may be honoured without asking StepUp (SPEC §2: never a <c>once</c> grant).</summary>
    public bool IsLocallyAcceptable => Verdict == TokenVerdict.Valid && !Once;
}
