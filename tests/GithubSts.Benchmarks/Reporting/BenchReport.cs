using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GithubSts.Benchmarks.Reporting;

/// <summary>Everything one <c>make bench</c> run measured: printed as a table and written as JSON.</summary>
public sealed class BenchReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Lock _gate = new();
    private readonly List<Measurement> _measurements = [];

    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    public IReadOnlyList<Measurement> Measurements
    {
        get
        {
            lock (_gate)
            {
                return [.. _measurements];
            }
        }
    }

    public void Add(Measurement measurement)
    {
        lock (_gate)
        {
            _measurements.Add(measurement);
        }

        Console.WriteLine($"  {measurement.Suite,-6} {measurement.Name}: {Format(measurement.Value)} {measurement.Unit}{(measurement.Note is null ? string.Empty : $"  ({measurement.Note})")}");
    }

    /// <summary>The latest figure of that suite and name, for derived figures (e.g. CPU per exchange ÷ one verification).</summary>
    public Measurement? Find(string suite, string name)
    {
        lock (_gate)
        {
            return _measurements.LastOrDefault(m => m.Suite == suite && m.Name == name);
        }
    }

    public bool AllTargetsMet => Measurements.All(m => m.Met != false);

    public string ToTable()
    {
        var rows = Measurements;
        var text = new StringBuilder();
        var nameWidth = Math.Max(30, rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length));
        text.AppendLine(CultureInfo.InvariantCulture, $"{"suite",-6} | {"measurement".PadRight(nameWidth)} | {"value",14} | {"unit",-6} | {"target",-16} | {"met",-4} | note");
        text.AppendLine(new string('-', 6 + nameWidth + 14 + 6 + 16 + 4 + 30));
        foreach (var row in rows)
        {
            var met = row.Met switch { true => "yes", false => "NO", null => string.Empty };
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Suite,-6} | {row.Name.PadRight(nameWidth)} | {Format(row.Value),14} | {row.Unit,-6} | {row.Target ?? string.Empty,-16} | {met,-4} | {row.Note}");
        }

        return text.ToString();
    }

    public async Task WriteJsonAsync(string path)
    {
        var document = new
        {
            started = Started,
            finished = DateTimeOffset.UtcNow,
            machine = new
            {
                cpu = CpuModel(),
                logicalCores = Environment.ProcessorCount,
                os = RuntimeInformation.OSDescription,
                runtime = RuntimeInformation.FrameworkDescription,
            },
            commit = GitCommit(),
            allTargetsMet = AllTargetsMet,
            measurements = Measurements,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, Json));
    }

    internal static string Format(double value) => Math.Abs(value) switch
    {
        >= 100 => value.ToString("F0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("F1", CultureInfo.InvariantCulture),
        _ => value.ToString("F2", CultureInfo.InvariantCulture),
    };

    private static string? GitCommit()
    {
        try
        {
            using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true, RedirectStandardError = true });
            var commit = git?.StandardOutput.ReadToEnd().Trim();
            git?.WaitForExit();
            return git?.ExitCode == 0 ? commit : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
