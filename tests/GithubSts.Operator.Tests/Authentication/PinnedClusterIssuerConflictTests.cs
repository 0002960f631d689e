using GithubSts.Operator.Authentication;

namespace GithubSts.Operator.Tests.Authentication;

/// <summary>
/// Issue 11 §4: the local cluster's own issuer pinned in <c>sts.issuers</c> too is a start-up error naming both
/// sources; neither set of keys silently wins.
/// </summary>
public sealed class PinnedClusterIssuerConflictTests : KubernetesTokenTestBase
{
    [Fact]
    public async Task The_cluster_issuer_also_pinned_is_never_used_and_names_both_sources()
    {
        var validator = new KubernetesTokenValidator(Api, new KubernetesTokenOptions
        {
            Audience = Audience,
            PinnedIssuers = new Dictionary<string, string>(StringComparer.Ordinal) { [FakeClusterApi.DefaultIssuer] = "sts.issuers[1]" },
        }, Time, Logger);

        await validator.InitializeAsync(CancellationToken.None);

        Assert.Null(validator.ClusterIssuer);
        var conflict = Assert.IsType<string>(validator.IssuerConflict);
        Assert.Contains("local cluster's service-account issuer", conflict, StringComparison.Ordinal);
        Assert.Contains("sts.issuers[1]", conflict, StringComparison.Ordinal);
        Assert.Contains(FakeClusterApi.DefaultIssuer, conflict, StringComparison.Ordinal);
        Assert.Contains(Logger.Lines, line => line.StartsWith("Critical 1210", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pinned_issuer_that_differs_by_a_trailing_slash_is_no_conflict()
    {
        var validator = new KubernetesTokenValidator(Api, new KubernetesTokenOptions
        {
            Audience = Audience,
            PinnedIssuers = new Dictionary<string, string>(StringComparer.Ordinal) { [FakeClusterApi.DefaultIssuer + "/"] = "sts.issuers[0]" },
        }, Time, Logger);

        await validator.InitializeAsync(CancellationToken.None);

        Assert.Equal(FakeClusterApi.DefaultIssuer, validator.ClusterIssuer);
        Assert.Null(validator.IssuerConflict);
    }
}
