using StepUp.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddStepUpServer();
var app = builder.Build();
app.UseStepUpServer();
app.Run();

/// <summary>The StepUp server's entry point (public for WebApplicationFactory in tests).</summary>
public partial class Program;
