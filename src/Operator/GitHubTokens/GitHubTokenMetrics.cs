using System.Diagnostics.Metrics;
using GithubSts.Exchange.Telemetry;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Runtime;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>
/// GitHubToken instruments (registered only when the feature is enabled): resources by <c>Ready</c> reason, mints
/// (issued or renewed), failures by reason and revocations by cause. Labels are App names and fixed reason codes.
/// </summary>
public sealed class GitHubTokenMetrics
{
    private readonly Counter<long> _mints;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _revocations;

    public GitHubTokenMetrics(GithubStsMetrics metrics, Informer<GitHubToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(tokens);
        var meter = metrics.Meter;
        meter.CreateObservableGauge("githubsts_github_tokens", () => ByReason(tokens), "{resource}", "GitHubTokens by Ready reason (Pending: not reconciled yet).");
        _mints = meter.CreateCounter<long>("githubsts_github_token_mints", "{token}", "GitHubToken tokens minted, by app and kind (issued or renewed).");
        _failures = meter.CreateCounter<long>("githubsts_github_token_failures", "{failure}", "GitHubToken issuances or renewals that failed, by app and Ready reason.");
        _revocations = meter.CreateCounter<long>("githubsts_github_token_revocations", "{token}", "GitHubToken tokens revoked, by app and cause (deleted, withdrawn, replaced).");
    }

    public void Minted(string app, string kind) => _mints.Add(1, new KeyValuePair<string, object?>("app", app), new("kind", kind));

    public void Failed(string app, string reason) => _failures.Add(1, new KeyValuePair<string, object?>("app", app), new("reason", reason));

    public void Revoked(string app, string cause) => _revocations.Add(1, new KeyValuePair<string, object?>("app", app), new("cause", cause));

    private static IEnumerable<Measurement<long>> ByReason(Informer<GitHubToken> tokens) =>
        tokens.List()
            .GroupBy(t => t.Status?.Conditions?.FirstOrDefault(c => string.Equals(c.Type, ConditionTypes.Ready, StringComparison.Ordinal))?.Reason ?? "Pending", StringComparer.Ordinal)
            .Select(g => new Measurement<long>(g.LongCount(), new KeyValuePair<string, object?>("reason", g.Key)));
}
