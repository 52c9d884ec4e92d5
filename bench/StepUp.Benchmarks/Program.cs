using BenchmarkDotNet.Running;

namespace StepUp.Benchmarks;

/// <summary>
/// Runs the BenchmarkDotNet suites: <c>dotnet run -c Release --project bench/StepUp.Benchmarks -- --filter '*'</c>.
/// <c>-- alloc</c> instead prints where policy evaluation allocates (see <see cref="AllocationProbe"/>);
/// <c>-- cpu</c> prints thread CPU time per evaluation, for busy machines (see <see cref="CpuTimeProbe"/>);
/// <c>-- risk-memory</c> prints the memory held per active subject (see <see cref="RiskMemoryProbe"/>);
/// <c>-- overview [N]</c> times the admin overview over N stored events (see <see cref="OverviewProbe"/>);
/// <c>-- simulate DB CANDIDATE</c> prints where a policy simulation spends its time (see <see cref="SimulationProbe"/>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["alloc"])
        {
            AllocationProbe.Run();
            return;
        }

        if (args is ["risk-memory"])
        {
            RiskMemoryProbe.Run();
            return;
        }

        if (args is ["overview", ..])
        {
            OverviewProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000).GetAwaiter().GetResult();
            return;
        }

        if (args is ["simulate", var database, var candidate])
        {
            SimulationProbe.RunAsync(database, candidate).GetAwaiter().GetResult();
            return;
        }

        if (args is ["cpu"])
        {
            CpuTimeProbe.Run();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
