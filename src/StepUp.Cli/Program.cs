using System.CommandLine;
using StepUp.Cli.Commands;

namespace StepUp.Cli;

/// <summary>The <c>stepup</c> command-line tool: policy checks and tests, audit verification.</summary>
internal static class Program
{
    public static int Main(string[] args) => BuildRoot(Console.Out, Console.Error).Parse(args).Invoke();

    /// <summary>The command tree; output goes to the given writers so tests can read it.</summary>
    public static RootCommand BuildRoot(TextWriter output, TextWriter error)
    {
        var policy = new Command("policy", "Check, test, explain and simulate policy files")
        {
            PolicyCheckCommand.Create(output),
            PolicyTestCommand.Create(output),
            PolicyExplainCommand.Create(output, error),
            PolicySimulateCommand.Create(output, error),
        };
        var audit = new Command("audit", "Verify, export and maintain the audit trail")
        {
            AuditVerifyCommand.Create(output),
            AuditExportCommand.Create(output, error),
            AuditEraseCommand.Create(output),
            AuditHoldCommand.Create(output),
            AuditPruneCommand.Create(output),
        };
        var report = new Command("report", "Write and verify signed compliance evidence reports")
        {
            ReportSoc2Command.Create(output),
            ReportVerifyCommand.Create(output),
        };
        return new RootCommand("StepUp: step-up authentication and audit") { policy, audit, report };
    }
}
