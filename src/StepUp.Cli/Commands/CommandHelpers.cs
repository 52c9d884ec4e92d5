using StepUp.Core.Policy;

namespace StepUp.Cli.Commands;

/// <summary>Shared bits of the policy commands.</summary>
internal static class CommandHelpers
{
    /// <summary>Loads a policy, printing its errors; null when it is invalid.</summary>
    public static CompiledPolicy? LoadPolicy(FileInfo file, TextWriter output)
    {
        var result = PolicyLoader.LoadFile(file.FullName, new PolicyLoadOptions { GeoAvailable = true, AnonymousIpAvailable = true });
        if (result.Policy is null)
        {
            foreach (var error in result.Errors)
            {
                output.WriteLine(error.ToString());
            }
        }

        return result.Policy;
    }

    public static string EffectName(RuleEffect effect) => effect switch
    {
        RuleEffect.Allow => "allow",
        RuleEffect.StepUp => "step_up",
        _ => "deny",
    };
}
