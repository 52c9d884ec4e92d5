namespace StepUp.Core.Policy.Simulation;

/// <summary>How far a running simulation is: events read, decisions replayed and changed, events skipped.</summary>
/// <param name="Events">Decision events read so far (replayed plus skipped).</param>
/// <param name="Decisions">Decisions replayed.</param>
/// <param name="Changed">Replayed decisions whose effect changed.</param>
/// <param name="Skipped">Events that could not be replayed.</param>
/// <param name="LastTime">Time of the last event read.</param>
public readonly record struct PolicySimulationProgress(long Events, long Decisions, long Changed, long Skipped, DateTimeOffset? LastTime);
