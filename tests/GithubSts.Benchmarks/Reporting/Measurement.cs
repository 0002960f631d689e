namespace GithubSts.Benchmarks.Reporting;

/// <summary>One figure of a benchmark run: <c>1234.5 exchanges/s</c>, with the target it is held against, if any.</summary>
/// <param name="Suite">micro, macro, scale or patterns.</param>
/// <param name="Name">What was measured, e.g. "max sustained exchanges".</param>
/// <param name="Value">The figure.</param>
/// <param name="Unit">e.g. "/s", "ms", "µs", "MB", "B", "ns", "x".</param>
/// <param name="Target">The target in words (e.g. "≥ 5000"), or null when the figure is informative.</param>
/// <param name="Met">Whether the target was met; null without a target.</param>
/// <param name="Note">Conditions of the measurement (rate, connections, policy count...).</param>
public sealed record Measurement(string Suite, string Name, double Value, string Unit, string? Target = null, bool? Met = null, string? Note = null)
{
    /// <summary>A figure with a "higher is better" target.</summary>
    public static Measurement AtLeast(string suite, string name, double value, string unit, double minimum, string? note = null) =>
        new(suite, name, value, unit, $">= {minimum:G} {unit}".TrimEnd(), value >= minimum, note);

    /// <summary>A figure with a "lower is better" target.</summary>
    public static Measurement AtMost(string suite, string name, double value, string unit, double maximum, string? note = null) =>
        new(suite, name, value, unit, $"<= {maximum:G} {unit}".TrimEnd(), value <= maximum, note);
}
