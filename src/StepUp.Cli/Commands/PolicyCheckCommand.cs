using System.CommandLine;
using StepUp.Core.Policy;

namespace StepUp.Cli.Commands;

/// <summary><c>stepup policy check FILE</c>: every error and warning with file:line:column; exit 1 on errors.</summary>
internal static class PolicyCheckCommand
{
    public static Command Create(TextWriter output)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The policy YAML file" };
        var geo = new Option<bool>("--geoip") { Description = "Assume a GeoIP City database is configured (no geo warnings)" };
        var anonymous = new Option<bool>("--anonymous-ip") { Description = "Assume an Anonymous-IP database is configured" };
        var command = new Command("check", "Validate a policy file") { file, geo, anonymous };
        command.SetAction(parse =>
        {
            var options = new PolicyLoadOptions { GeoAvailable = parse.GetValue(geo), AnonymousIpAvailable = parse.GetValue(anonymous) };
            var result = PolicyLoader.LoadFile(parse.GetValue(file)!.FullName, options);
            foreach (var diagnostic in result.Diagnostics)
            {
                output.WriteLine(diagnostic.ToString());
            }

            if (result.Policy is null)
            {
                output.WriteLine($"{result.Errors.Count()} error(s): policy refused");
                return 1;
            }

            output.WriteLine($"OK: {result.Policy.Rules.Count} rules, {result.Policy.Lists.Count} lists, version {result.Policy.Version[..12]}");
            return 0;
        });
        return command;
    }
}
