using System.Diagnostics.Metrics;
using GithubSts.Exchange.Audit;
using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.Telemetry;

namespace GithubSts.Exchange.Tests.Telemetry;

/// <summary>One <c>result</c> name per failure class, the same in the audit line and the metric label.</summary>
public sealed class ExchangeResultNamesTests
{
    private static readonly ExchangeContext Context = new(new ExchangeRequest { Scope = null, Identity = null, SubjectToken = null, RequestId = "r" });

    public static TheoryData<ExchangeErrorKind> Kinds() => [.. Enum.GetValues<ExchangeErrorKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Audit_and_metrics_name_every_failure_class_alike_and_never_other(ExchangeErrorKind kind)
    {
        var outcome = new ExchangeOutcome(Context, null, ErrorOf(kind), TimeSpan.Zero);

        var audited = AuditEventFactory.Create(outcome, DateTimeOffset.UnixEpoch).Result;

        Assert.Equal(GithubStsMetrics.ResultName(kind), audited);
        Assert.NotEqual("other", audited);
        Assert.Matches("^[a-z]+(_[a-z]+)*$", audited);
    }

    [Theory]
    [InlineData(ExchangeErrorKind.GitHubError, "github_error")]
    [InlineData(ExchangeErrorKind.GitHubUnavailable, "github_unavailable")]
    [InlineData(ExchangeErrorKind.SignerUnavailable, "signer_unavailable")]
    [InlineData(ExchangeErrorKind.Replayed, "replayed")]
    [InlineData(ExchangeErrorKind.ReplayStoreUnavailable, "replay_store_unavailable")]
    [InlineData(ExchangeErrorKind.IdentityProviderUnavailable, "identity_provider_unavailable")]
    public void Names_are_the_documented_ones(ExchangeErrorKind kind, string expected) =>
        Assert.Equal(expected, ExchangeResults.NameOf(kind));

    [Fact]
    public void A_success_is_audited_and_counted_as_success() =>
        Assert.Equal("success", ExchangeResults.NameOf(new ExchangeOutcome(Context, null, null, TimeSpan.Zero)));

    [Fact]
    public void A_replay_is_counted_as_replayed_and_not_as_a_token_validation_error()
    {
        using var metrics = new GithubStsMetrics();
        using var recorded = new Recorded(metrics.Meter);

        metrics.ExchangeCompleted(new ExchangeOutcome(Context, null, ExchangeException.Replayed(), TimeSpan.Zero));
        metrics.ExchangeCompleted(new ExchangeOutcome(Context, null, ExchangeException.InvalidToken("token_expired", "expired"), TimeSpan.Zero));

        Assert.Contains(("githubsts_token_exchanges", "reason=token_replayed,result=replayed"), recorded.Measurements);
        Assert.Contains(("githubsts_token_exchanges", "reason=token_expired,result=invalid_token"), recorded.Measurements);
        Assert.Equal(
            [("githubsts_oidc_validation_errors", "reason=token_expired")],
            recorded.Measurements.Where(m => m.Instrument == "githubsts_oidc_validation_errors"));
    }

    [Fact]
    public void Known_pairs_are_unique_and_cover_every_fixed_reason()
    {
        var pairs = ExchangeResults.KnownInAdvance();

        Assert.Equal(pairs.Count, pairs.Distinct().Count());
        Assert.Contains(("success", "none"), pairs);
        Assert.Contains(("replayed", "token_replayed"), pairs);
        Assert.Contains(("invalid_token", "audience_not_for_service"), pairs);
        Assert.Contains(("access_denied", "policy_subject_mismatch"), pairs);
        Assert.DoesNotContain(pairs, p => p.Result == "other" || p.Reason == "policy_none");
    }

    private static ExchangeException ErrorOf(ExchangeErrorKind kind) => kind switch
    {
        ExchangeErrorKind.InvalidRequest => ExchangeException.InvalidRequest("missing_scope", "x"),
        ExchangeErrorKind.InvalidScope => ExchangeException.InvalidScope(),
        ExchangeErrorKind.InvalidTarget => ExchangeException.InvalidTarget("unknown_app", "x"),
        ExchangeErrorKind.InvalidToken => ExchangeException.InvalidToken("token_expired", "x"),
        ExchangeErrorKind.AccessDenied => ExchangeException.AccessDenied(ReasonCodes.PolicyNotFound, "x"),
        ExchangeErrorKind.RateLimited => ExchangeException.RateLimited(TimeSpan.FromSeconds(1), "x"),
        ExchangeErrorKind.IdentityProviderUnavailable => ExchangeException.IdentityProviderUnavailable("x"),
        ExchangeErrorKind.GitHubUnavailable => ExchangeException.GitHubUnavailable("x"),
        ExchangeErrorKind.GitHubError => ExchangeException.GitHubError("x"),
        ExchangeErrorKind.SignerUnavailable => ExchangeException.SignerUnavailable("signer_unavailable", "x"),
        ExchangeErrorKind.Replayed => ExchangeException.Replayed(),
        ExchangeErrorKind.ReplayStoreUnavailable => ExchangeException.ReplayStoreUnavailable("x"),
        ExchangeErrorKind.ClientDisconnected => ExchangeException.ClientDisconnected(ReasonCodes.NotDelivered, "x"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "add the new kind here and to ExchangeResults.NameOf"),
    };

    /// <summary>Counter measurements of one meter as (instrument, sorted "key=value" labels).</summary>
    private sealed class Recorded : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Recorded(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Measurements.Add((
                instrument.Name,
                string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal)))));
            _listener.Start();
        }

        public List<(string Instrument, string Labels)> Measurements { get; } = [];

        public void Dispose() => _listener.Dispose();
    }
}
