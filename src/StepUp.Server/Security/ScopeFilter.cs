using StepUp.Server.Errors;

namespace StepUp.Server.Security;

/// <summary>Endpoint filter: authenticates the API key and requires one scope.</summary>
internal static class ScopeFilter
{
    private const string CallerItem = "stepup.caller";

    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var authenticator = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
            var caller = await authenticator.AuthenticateAsync(http.Request.Headers.Authorization, http.RequestAborted);
            if (caller is null)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return Problems.Result(ProblemCode.Unauthenticated);
            }

            if (!caller.Has(scope))
            {
                return Problems.Result(ProblemCode.InsufficientScope, $"this endpoint needs the '{scope}' scope");
            }

            http.Items[CallerItem] = caller;
            return await next(context);
        });
        return builder;
    }

    /// <summary>Sets the caller for handlers shared with the API (the admin dashboard's session does this).</summary>
    public static void SetCaller(this HttpContext context, ApiCaller caller) => context.Items[CallerItem] = caller;

    public static ApiCaller Caller(this HttpContext context) =>
        context.Items[CallerItem] as ApiCaller ?? throw new InvalidOperationException("endpoint has no RequireScope filter");
}
