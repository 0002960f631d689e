using System.Runtime;
using GithubSts.Benchmarks;
using GithubSts.Benchmarks.Macro;
using GithubSts.Benchmarks.Micro;
using GithubSts.Benchmarks.Patterns;
using GithubSts.Benchmarks.Reporting;
using GithubSts.Benchmarks.Scale;

// github-sts-bench [micro] [macro] [scale] [patterns] [warmup] [--quick] [--check] [--out PATH]   (no suite named: all but warmup)

// The harness shares the cores with the service: keep its own GC pauses out of the latency figures where it can.
GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
IBenchmarkSuite[] all = [new MicroSuite(), new MacroSuite(), new ScaleSuite(), new PatternsSuite(), new WarmupSuite()];
var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !IsOutValue(a)).ToList();
var unknown = names.Where(n => all.All(s => s.Name != n)).ToList();
if (unknown.Count > 0 || args.Contains("--help"))
{
    Console.Error.WriteLine("usage: github-sts-bench [micro] [macro] [scale] [patterns] [warmup] [--quick] [--check] [--out PATH]");
    return unknown.Count > 0 ? 2 : 0;
}

var outIndex = Array.IndexOf(args, "--out");
var output = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : Path.Combine("artifacts", "bench", "bench-results.json");
var options = new BenchOptions(args.Contains("--quick"), output);
// warmup only when named: the macro suite's figures cover the rest, and `make bench` keeps its length.
var suites = names.Count == 0 ? all.Where(s => s is not WarmupSuite).ToArray() : all.Where(s => names.Contains(s.Name)).ToArray();

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var report = new BenchReport();
foreach (var suite in suites)
{
    Console.WriteLine($"== {suite.Name}{(options.Quick ? " (quick: rough figures)" : string.Empty)}");
    await suite.RunAsync(report, options, cancel.Token);
}

Console.WriteLine();
Console.WriteLine(report.ToTable());
await report.WriteJsonAsync(options.OutputPath);
Console.WriteLine($"JSON: {Path.GetFullPath(options.OutputPath)}");
var missed = report.Measurements.Where(m => m.Met == false).ToList();
Console.WriteLine(missed.Count == 0 ? "All targets met." : $"Targets missed: {string.Join(", ", missed.Select(m => m.Name))}");
return missed.Count > 0 && args.Contains("--check") ? 1 : 0;

bool IsOutValue(string arg)
{
    var i = Array.IndexOf(args, arg);
    return i > 0 && args[i - 1] == "--out";
}
