using StepUp.Core.Policy;
using StepUp.Server.Policies;

namespace StepUp.Server.ForwardAuth;

/// <summary>The route table of the active policy, rebuilt only when a reload swaps the policy in.</summary>
internal sealed class ActiveRoutes(PolicyHost policies)
{
    private volatile Entry? _cache;

    public RouteTable Current
    {
        get
        {
            var policy = policies.Current.Policy;
            var cached = _cache;
            if (cached is not null && ReferenceEquals(cached.Policy, policy))
            {
                return cached.Table;
            }

            var entry = new Entry(policy, new RouteTable(policy.Routes));
            _cache = entry;
            return entry.Table;
        }
    }

    private sealed record Entry(CompiledPolicy Policy, RouteTable Table);
}
