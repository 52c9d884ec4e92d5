using StepUp.Server.Hosting;
using StepUp.Server.Policies;

var builder = WebApplication.CreateBuilder(args);
builder.AddStepUpServer();
var app = builder.Build();
app.UseStepUpServer();
try
{
    await app.RunAsync();
    return 0;
}
catch (InvalidPolicyException ex)
{
    // A broken policy at start is a configuration error: say what is wrong, exit 1, no stack trace.
    await Console.Error.WriteLineAsync(ex.Message);
    return 1;
}

/// <summary>The StepUp server's entry point (public for WebApplicationFactory in tests).</summary>
public partial class Program;
