using StepUp.Core.Policy;

namespace StepUp.Server.ForwardAuth;

/// <summary>
/// The <c>routes:</c> of one policy, compiled: the first route (in file order) whose method and
/// path glob match gives the action. A route without a method matches every method; a <c>GET</c>
/// route also matches <c>HEAD</c>, which backends serve with the same handler.
/// </summary>
internal sealed class RouteTable
{
    private readonly (string? Method, PathGlob Path, string Action)[] _routes;

    public RouteTable(IEnumerable<PolicyRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        _routes = routes.Select(r => (r.Method?.ToUpperInvariant(), PathGlob.Parse(r.Path), r.Action)).ToArray();
    }

    /// <summary>The action of the first matching route, or null when the request is not protected.</summary>
    public string? Match(string method, string canonicalPath)
    {
        foreach (var (routeMethod, path, action) in _routes)
        {
            if (MethodMatches(routeMethod, method) && path.IsMatch(canonicalPath))
            {
                return action;
            }
        }

        return null;
    }

    private static bool MethodMatches(string? routeMethod, string method) =>
        routeMethod is null ||
        string.Equals(routeMethod, method, StringComparison.OrdinalIgnoreCase) ||
        (routeMethod == "GET" && string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase));
}
