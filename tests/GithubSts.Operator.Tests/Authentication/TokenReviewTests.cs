using GithubSts.Exchange.Identity;
using GithubSts.Operator.Authentication;

namespace GithubSts.Operator.Tests.Authentication;

/// <summary>The authoritative TokenReview step and its positive cache (kubernetes-and-design.md §3.4 steps 4-5, §3.2 b).</summary>
public sealed class TokenReviewTests : KubernetesTokenTestBase
{
    [Fact]
    public async Task Unauthenticated_review_of_a_deleted_pod_or_service_account_is_a_rejection_and_is_not_cached()
    {
        var validator = await CreateInitializedAsync();
        var token = CreateToken();
        Api.Review = (_, _, _) => Task.FromResult(FakeClusterApi.Unauthenticated(
            "[invalid bearer token, service account token has been invalidated]"));

        await RejectsAsync(validator, token, TokenRejectionReason.InvalidClaim);
        await RejectsAsync(validator, token, TokenRejectionReason.InvalidClaim);
        Assert.Equal(2, Api.ReviewCalls);

        // The pod came back (or the review was transiently negative): the next call reviews again and succeeds.
        Api.Review = null;
        await validator.ValidateAsync(token, CancellationToken.None);
        Assert.Equal(3, Api.ReviewCalls);
    }

    [Fact]
    public async Task Review_audiences_not_including_ours_fail_closed()
    {
        var validator = await CreateInitializedAsync();
        var token = CreateToken();

        // A non-audience-aware authenticator answers for the API server's audience, or with no audiences at all.
        Api.Review = (t, _, _) => Task.FromResult(FakeClusterApi.AnswerAsApiServer(t, [Audience]) with { Audiences = [ApiServerAudience] });
        await RejectsAsync(validator, token, TokenRejectionReason.AudienceMismatch);
        Api.Review = (t, _, _) => Task.FromResult(FakeClusterApi.AnswerAsApiServer(t, [Audience]) with { Audiences = [] });
        await RejectsAsync(validator, token, TokenRejectionReason.AudienceMismatch);

        Assert.All(Api.ReviewedAudiences, audiences => Assert.Equal(new[] { Audience }, audiences));
    }

    [Fact]
    public async Task Review_username_must_equal_sub()
    {
        var validator = await CreateInitializedAsync();
        Api.Review = (t, a, _) => Task.FromResult(FakeClusterApi.AnswerAsApiServer(t, a) with { Username = "system:serviceaccount:team-a:other" });
        await RejectsAsync(validator, CreateToken(), TokenRejectionReason.InvalidClaim);
        Api.Review = (t, a, _) => Task.FromResult(FakeClusterApi.AnswerAsApiServer(t, a) with { Username = null });
        await RejectsAsync(validator, CreateToken(), TokenRejectionReason.InvalidClaim);
    }

    [Fact]
    public async Task Review_uid_must_equal_the_service_account_uid()
    {
        var validator = await CreateInitializedAsync();
        // The service account was deleted and recreated under the same name: a new UID.
        Api.Review = (t, a, _) => Task.FromResult(FakeClusterApi.AnswerAsApiServer(t, a) with { Uid = "11111111-2222-4333-8444-555555555555" });
        await RejectsAsync(validator, CreateToken(), TokenRejectionReason.InvalidClaim);
    }

    [Fact]
    public async Task Review_pod_uid_must_equal_the_token_pod_uid_when_returned()
    {
        var validator = await CreateInitializedAsync();
        Api.Review = (t, a, _) => Task.FromResult(FakeClusterApi.AnswerAsApiServer(t, a) with
        {
            Extra = new Dictionary<string, IReadOnlyList<string>> { ["authentication.kubernetes.io/pod-uid"] = ["99999999-0000-4000-8000-000000000000"] },
        });
        await RejectsAsync(validator, CreateToken(), TokenRejectionReason.InvalidClaim);

        // An unbound token cannot come back from the review with a pod.
        Api.Review = (t, a, _) => Task.FromResult(FakeClusterApi.AnswerAsApiServer(t, a) with
        {
            Extra = new Dictionary<string, IReadOnlyList<string>> { ["authentication.kubernetes.io/pod-uid"] = [PodUid] },
        });
        await RejectsAsync(validator, CreateUnboundToken(), TokenRejectionReason.InvalidClaim);

        // Older API servers return no extras: the pod claims are then trusted from the verified token.
        Api.Review = (t, a, _) => Task.FromResult(FakeClusterApi.AnswerAsApiServer(t, a) with { Extra = new Dictionary<string, IReadOnlyList<string>>() });
        await validator.ValidateAsync(CreateToken(), CancellationToken.None);
    }

    [Fact]
    public async Task Review_disabled_validates_locally_only()
    {
        var validator = await CreateInitializedAsync(tokenReview: false);
        Api.Review = (_, _, _) => Task.FromResult(FakeClusterApi.Unauthenticated("would be refused"));

        var identity = await validator.ValidateAsync(CreateToken(), CancellationToken.None);

        Assert.Equal(Subject, identity.Subject);
        Assert.Equal(0, Api.ReviewCalls);
        await RejectsAsync(validator, CreateToken((_, p) => p["aud"] = ApiServerAudience), TokenRejectionReason.AudienceMismatch);
    }

    [Fact]
    public async Task Positive_review_is_reused_within_the_ttl_and_expires_after_it()
    {
        var validator = await CreateInitializedAsync();
        var token = CreateToken();

        await validator.ValidateAsync(token, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(29));
        await validator.ValidateAsync(token, CancellationToken.None);
        Assert.Equal(1, Api.ReviewCalls);

        Time.Advance(TimeSpan.FromSeconds(1));
        await validator.ValidateAsync(token, CancellationToken.None);
        Assert.Equal(2, Api.ReviewCalls);

        // Another token of the same pod has its own entry.
        await validator.ValidateAsync(CreateToken(), CancellationToken.None);
        Assert.Equal(3, Api.ReviewCalls);
    }

    [Fact]
    public async Task Revocation_is_seen_once_the_cached_review_expires()
    {
        var validator = await CreateInitializedAsync();
        var token = CreateToken();
        await validator.ValidateAsync(token, CancellationToken.None);

        Api.Review = (_, _, _) => Task.FromResult(FakeClusterApi.Unauthenticated("pod deleted"));
        await validator.ValidateAsync(token, CancellationToken.None); // Within 30 s: the documented revocation latency.
        Time.Advance(TimeSpan.FromSeconds(30));
        await RejectsAsync(validator, token, TokenRejectionReason.InvalidClaim);
    }

    [Fact]
    public async Task Cached_review_never_outlives_the_token_exp()
    {
        var validator = await CreateInitializedAsync();
        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        var token = CreateToken((_, p) => p["exp"] = now + 10);

        await validator.ValidateAsync(token, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(11)); // Past exp but inside the 60 s skew: still valid locally, but reviewed again.
        await validator.ValidateAsync(token, CancellationToken.None);

        Assert.Equal(2, Api.ReviewCalls);
    }

    [Fact]
    public async Task Cached_review_does_not_skip_local_checks()
    {
        var validator = await CreateInitializedAsync();
        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        var token = CreateToken((_, p) => p["exp"] = now + 10);
        await validator.ValidateAsync(token, CancellationToken.None);

        Time.Advance(TimeSpan.FromSeconds(71));
        await RejectsAsync(validator, token, TokenRejectionReason.Expired);
        Assert.Equal(1, Api.ReviewCalls);
    }

    [Fact]
    public async Task Review_cache_is_bounded()
    {
        var validator = await CreateInitializedAsync(reviewCacheCapacity: 3);
        var tokens = Enumerable.Range(0, 5).Select(_ => CreateToken()).ToArray();
        foreach (var token in tokens)
        {
            await validator.ValidateAsync(token, CancellationToken.None);
        }

        Assert.Equal(3, validator.CachedReviewCount);
        await validator.ValidateAsync(tokens[4], CancellationToken.None); // Most recent: still cached.
        Assert.Equal(5, Api.ReviewCalls);
        await validator.ValidateAsync(tokens[0], CancellationToken.None); // Evicted: reviewed again.
        Assert.Equal(6, Api.ReviewCalls);
    }

    [Fact]
    public async Task Zero_ttl_disables_the_cache()
    {
        var validator = await CreateInitializedAsync(reviewCacheTtl: TimeSpan.Zero);
        var token = CreateToken();
        await validator.ValidateAsync(token, CancellationToken.None);
        await validator.ValidateAsync(token, CancellationToken.None);
        Assert.Equal(2, Api.ReviewCalls);
    }

    [Fact]
    public async Task Unreachable_api_server_or_5xx_during_review_is_unavailable_not_invalid()
    {
        var validator = await CreateInitializedAsync();
        var token = CreateToken();

        Api.Review = (_, _, _) => throw new HttpRequestException("Connection refused");
        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(() => validator.ValidateAsync(token, CancellationToken.None).AsTask());
        Api.Review = (_, _, _) => Task.FromException<TokenReviewOutcome>(
            new HttpRequestException("Service Unavailable", null, System.Net.HttpStatusCode.ServiceUnavailable));
        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(() => validator.ValidateAsync(token, CancellationToken.None).AsTask());

        // Not cached as a failure either: once the API server answers, the token is accepted.
        Api.Review = null;
        await validator.ValidateAsync(token, CancellationToken.None);
    }

    [Fact]
    public async Task Review_that_hangs_times_out_as_unavailable()
    {
        var validator = await CreateInitializedAsync();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Api.Review = async (_, _, ct) =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        };

        var validation = validator.ValidateAsync(CreateToken(), CancellationToken.None).AsTask();
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(validation.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(10)); // ApiTimeout.

        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(() => validation.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_unavailable()
    {
        var validator = await CreateInitializedAsync();
        using var cts = new CancellationTokenSource();
        Api.Review = async (_, _, ct) =>
        {
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
            throw new InvalidOperationException("unreachable");
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => validator.ValidateAsync(CreateToken(), cts.Token).AsTask());
    }
}
