using StepUp.Server.Hosting;
using StepUp.Server.Policies;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddStepUpServer();
    var app = builder.Build();
    app.UseStepUpServer();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is InvalidPolicyException or StepUp.Core.GeoIp.GeoIpFormatException or FileNotFoundException or DirectoryNotFoundException)
{
    // Broken configuration at start (policy, GeoIP database): say what is wrong, exit 1, no stack trace.
    await Console.Error.WriteLineAsync(ex.Message);
    return 1;
}

/// <summary>The StepUp server's entry point (public for WebApplicationFactory in tests).</summary>
public partial class Program;
