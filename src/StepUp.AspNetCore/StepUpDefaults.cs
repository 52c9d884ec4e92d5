namespace StepUp.AspNetCore;

/// <summary>Names the library uses on the wire.</summary>
public static class StepUpDefaults
{
    /// <summary>The request header a client puts an elevation token in.</summary>
    public const string TokenHeaderName = "X-StepUp-Token";

    /// <summary>The name of the <c>IHttpClientFactory</c> client used to call StepUp.</summary>
    public const string HttpClientName = "StepUp.AspNetCore";
}
