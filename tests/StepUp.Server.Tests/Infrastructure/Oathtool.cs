using System.Diagnostics;
using System.Globalization;

namespace StepUp.Server.Tests.Infrastructure;

/// <summary>Debian's oathtool as an outside oracle for TOTP codes; fails loudly when missing.</summary>
public static class Oathtool
{
    public static string Totp(string base32Secret, DateTimeOffset at)
    {
        var info = new ProcessStartInfo("oathtool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--totp");
        info.ArgumentList.Add("-b");
        info.ArgumentList.Add("-N");
        info.ArgumentList.Add(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC");
        info.ArgumentList.Add(base32Secret);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("oathtool is not installed (apt-get install -y oathtool; scripts/test.sh installs it)", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : throw new InvalidOperationException("oathtool failed: " + process.StandardError.ReadToEnd());
        }
    }
}
