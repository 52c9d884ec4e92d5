using System.Diagnostics;
using System.Text.Json;
using StepUp.Core.Audit;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Simulation;
using StepUp.Storage;
using StepUp.Storage.Sqlite;

namespace StepUp.Benchmarks;

/// <summary>
/// Where a policy simulation spends its time, over a trail seeded by <c>bench/report-simulate/SeedTrail.cs</c>:
/// thread CPU time per decision of the read stage (SQLite rows to events) and of the replay stage
/// (parse, rebuild, evaluate with the compiled policy, tally), then the whole simulation as
/// <c>stepup policy simulate</c> runs it (read-ahead on a second core), in decisions/s.
/// Run: <c>dotnet run -c Release --project bench/StepUp.Benchmarks -- simulate DB CANDIDATE.yaml</c>.
/// </summary>
internal static class SimulationProbe
{
    private const int ReadSample = 300_000;
    private const int ReplaySample = 30_000;
    private const int ReplayRounds = 10;

    public static async Task RunAsync(string path, string candidatePath)
    {
        var database = SqliteDatabase.Open($"Data Source={path};Mode=ReadOnly", TimeProvider.System);
        var forward = new SqliteAuditForwardReader(database);
        var head = await new SqliteAuditReader(database).GetHeadAsync();
        var candidate = PolicyLoader.LoadFile(candidatePath).Policy ?? throw new InvalidOperationException($"{candidatePath} does not load");
        var query = new AuditQuery { Type = AuditEventTypes.DecisionEvaluated };

        for (var round = 1; round <= 2; round++)
        {
            var start = CpuTimeProbe.ThreadCpuNs();
            long read = 0;
            await foreach (var evt in forward.ReadForwardAsync(query, 0, head.Seq))
            {
                if (++read == ReadSample)
                {
                    break;
                }
            }

            var readNs = (CpuTimeProbe.ThreadCpuNs() - start) / (double)read;
            var events = new List<AuditEvent>(ReplaySample);
            await foreach (var evt in forward.ReadForwardAsync(query, 0, head.Seq))
            {
                events.Add(evt);
                if (events.Count == ReplaySample)
                {
                    break;
                }
            }

            var parse = PerEvent(events, evt => JsonDocument.Parse(evt.StoredPayloadUtf8!).Dispose());
            var rebuild = PerEvent(events, evt => DecisionReplay.Read(evt, out _));
            var inputs = events.Select(evt => DecisionReplay.Read(evt, out _)!.Input).ToList();
            var evaluate = PerEvent(inputs, input => PolicyEngine.Evaluate(candidate, input));
            var whole = PerEvent([events], batch => new PolicySimulator(candidate).Run(batch)) / events.Count;
            Console.WriteLine($"round {round}: thread CPU per decision (best of {ReplayRounds}): read {readNs / 1000:F2} µs; replay {whole / 1000:F2} µs, " +
                $"of which JSON parse {parse / 1000:F2}, parse + rebuild the input {rebuild / 1000:F2}, evaluate {evaluate / 1000:F2} (each measured alone)");
        }

        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var report = await new PolicySimulator(candidate).RunAsync(after => forward.ReadForwardAsync(query, after, head.Seq));
        var seconds = wall.Elapsed.TotalSeconds;
        process.Refresh();
        Console.WriteLine($"simulate {report.Decisions:N0} decisions ({report.Changed:N0} changed): {seconds:F2} s = {report.Decisions / seconds:N0} decisions/s, " +
            $"process CPU {(process.TotalProcessorTime - cpu).TotalSeconds:F2} s");
    }

    private static double PerEvent<T>(List<T> items, Action<T> work)
    {
        var best = double.MaxValue;
        for (var r = 0; r < ReplayRounds; r++)
        {
            var start = CpuTimeProbe.ThreadCpuNs();
            foreach (var item in items)
            {
                work(item);
            }

            best = Math.Min(best, (CpuTimeProbe.ThreadCpuNs() - start) / (double)items.Count);
        }

        return best;
    }
}
