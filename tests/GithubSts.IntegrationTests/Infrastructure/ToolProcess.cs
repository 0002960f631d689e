using System.Diagnostics;

namespace GithubSts.IntegrationTests.Infrastructure;

/// <summary>The outcome of one command: exit code and both streams.</summary>
internal sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;
}

/// <summary>Runs the command-line tools the tests drive (helm, bash, gpg, dpkg-source, apt-get): two minutes at most each.</summary>
internal static class ToolProcess
{
    private static readonly string[] DebianTools = ["apt-get", "apt-config", "gpg", "dpkg-source", "dpkg-scansources"];

    /// <summary>Null when every tool is on PATH; otherwise why the tests that need them are skipped.</summary>
    public static string? MissingDebianToolsReason { get; } = FindMissing();

    /// <summary>Runs PROGRAM; ENVIRONMENT adds variables to the test's own, and a null value removes one.</summary>
    public static async Task<ToolResult> RunAsync(
        string program, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit throws with both streams.</summary>
    public static async Task<string> RunCheckedAsync(string program, IEnumerable<string> args, string? workingDirectory = null)
    {
        var list = args.ToList();
        var result = await RunAsync(program, list, workingDirectory);
        return result.ExitCode == 0
            ? result.StandardOutput
            : throw new InvalidOperationException($"{program} {string.Join(' ', list)} failed ({result.ExitCode}): {result.Output}");
    }

    /// <summary>Sets a directory's Unix mode (apt drops to the _apt user, which must traverse the test directories).</summary>
    public static void SetMode(string directory, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, mode);
        }
    }

    /// <summary>rwxr-xr-x.</summary>
    public const UnixFileMode ReadableByAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static string? FindMissing()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var missing = DebianTools.Where(tool => !path.Any(directory => File.Exists(Path.Combine(directory, tool)))).ToList();
        return missing.Count == 0 ? null : $"not a Debian machine with apt, gpg and dpkg-dev: {string.Join(", ", missing)} not on PATH";
    }
}
