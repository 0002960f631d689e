using GithubSts.Exchange.Identity;
using GithubSts.Testing.Oidc;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>
/// security.md §5.D D12/D13 and §5.L L01/L02/L04: single-flight, kid-miss rate limiting, rotation,
/// stale-while-revalidate, last-known-good through outages, bounded size.
/// </summary>
public sealed class MetadataCacheTests : IdentityTestBase
{
    private static readonly TimeSpan PastKeyMissInterval = TimeSpan.FromSeconds(31);

    [Fact]
    public async Task D12_kid_miss_storm_causes_at_most_one_refetch()
    {
        await WarmAsync();
        Time.Advance(PastKeyMissInterval);
        var tokens = Enumerable.Range(0, 200).Select(_ => Idp.CreateToken(spec => spec.KeyId = Guid.NewGuid().ToString("N"))).ToArray();

        var outcomes = await Task.WhenAll(tokens.Select(token => Task.Run(async () =>
        {
            var rejected = await Assert.ThrowsAsync<TokenRejectedException>(() => Harness.ValidateAsync(token));
            return rejected.Reason;
        })));

        Assert.All(outcomes, reason => Assert.Equal(TokenRejectionReason.UnknownKey, reason));
        Assert.True(Idp.JwksRequests <= 1, $"{Idp.JwksRequests} JWKS fetches");
    }

    [Fact]
    public async Task D12_kid_misses_are_rate_limited_per_interval()
    {
        await WarmAsync();
        for (var round = 1; round <= 3; round++)
        {
            Time.Advance(PastKeyMissInterval);
            for (var i = 0; i < 5; i++)
            {
                await Harness.RejectsAsync(Idp.CreateToken(spec => spec.KeyId = $"evil-{round}-{i}"), TokenRejectionReason.UnknownKey);
            }

            Assert.Equal(round, Idp.JwksRequests);
        }
    }

    [Fact]
    public async Task D13_rotated_key_is_accepted_after_one_refresh_and_old_key_keeps_working()
    {
        await WarmAsync();
        var oldKey = Idp.DefaultKey;
        var newKey = Idp.RotateKey();
        Time.Advance(PastKeyMissInterval);

        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Key = newKey));
        Assert.Equal(1, Idp.JwksRequests);

        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Key = oldKey));
        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Key = newKey));
        Assert.Equal(1, Idp.JwksRequests);
    }

    [Fact]
    public async Task Retired_key_stops_validating_after_the_periodic_refresh()
    {
        await WarmAsync();
        var oldKey = Idp.DefaultKey;
        Idp.RotateKey(keepOldKey: false);
        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Key = oldKey));

        Time.Advance(TimeSpan.FromMinutes(61));
        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Key = oldKey)); // Served from the stale copy while refreshing.
        await Harness.WaitForPendingFetchAsync(Idp.Iss);

        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Key = oldKey), TokenRejectionReason.UnknownKey);
        await Harness.ValidateAsync(Idp.CreateToken());
    }

    [Fact]
    public async Task Stale_metadata_is_served_immediately_while_one_background_refresh_runs()
    {
        await WarmAsync();
        Time.Advance(TimeSpan.FromMinutes(61));
        Idp.DiscoveryFaults.Delay = TimeSpan.FromMilliseconds(300);

        var pending = Harness.Validator.ValidateAsync(Idp.CreateToken(), CancellationToken.None);
        Assert.True(pending.IsCompletedSuccessfully);
        for (var i = 0; i < 10; i++)
        {
            await Harness.ValidateAsync(Idp.CreateToken());
        }

        await Harness.WaitForPendingFetchAsync(Idp.Iss);
        Assert.Equal(1, Idp.DiscoveryRequests);
        Assert.Equal(1, Idp.JwksRequests);

        await Harness.ValidateAsync(Idp.CreateToken());
        Assert.Equal(1, Idp.DiscoveryRequests); // Fresh again.
    }

    [Fact]
    public async Task L01_issuer_down_with_warm_cache_keeps_validating_until_max_staleness()
    {
        await WarmAsync();
        Idp.DiscoveryFaults.StatusCode = 500;
        Idp.JwksFaults.StatusCode = 500;

        Time.Advance(TimeSpan.FromHours(2));
        await Harness.ValidateAsync(Idp.CreateToken());
        await Harness.WaitForPendingFetchAsync(Idp.Iss);
        Assert.Equal(1, Idp.DiscoveryRequests);

        // Failed refreshes are retried at most once per MinimumKeyRefreshInterval, not per request.
        for (var i = 0; i < 10; i++)
        {
            await Harness.ValidateAsync(Idp.CreateToken());
        }

        await Harness.WaitForPendingFetchAsync(Idp.Iss);
        Assert.Equal(1, Idp.DiscoveryRequests);
        Time.Advance(PastKeyMissInterval);
        await Harness.ValidateAsync(Idp.CreateToken());
        await Harness.WaitForPendingFetchAsync(Idp.Iss);
        Assert.Equal(2, Idp.DiscoveryRequests);

        Time.Advance(TimeSpan.FromHours(22)); // Now 24 h + 31 s since the last good fetch.
        await Harness.UnavailableAsync(Idp.CreateToken());

        Idp.DiscoveryFaults.Reset();
        Idp.JwksFaults.Reset();
        Time.Advance(PastKeyMissInterval);
        await Harness.ValidateAsync(Idp.CreateToken());
    }

    [Fact]
    public async Task L01_refresh_returning_garbage_keeps_the_last_known_good_copy()
    {
        await WarmAsync();
        Idp.JwksFaults.Body = "{\"keys\":[]}";
        Time.Advance(TimeSpan.FromHours(2));
        await Harness.ValidateAsync(Idp.CreateToken());
        await Harness.WaitForPendingFetchAsync(Idp.Iss);
        await Harness.ValidateAsync(Idp.CreateToken());
        Assert.Equal(1, Idp.JwksRequests);
    }

    [Fact]
    public async Task L02_cold_cache_with_issuer_down_is_unavailable_without_a_retry_storm()
    {
        Idp.DiscoveryFaults.StatusCode = 503;

        await Harness.UnavailableAsync(Idp.CreateToken());
        for (var i = 0; i < 20; i++)
        {
            await Harness.UnavailableAsync(Idp.CreateToken());
        }

        Assert.Equal(1, Idp.DiscoveryRequests);

        Idp.DiscoveryFaults.Reset();
        Time.Advance(PastKeyMissInterval);
        await Harness.ValidateAsync(Idp.CreateToken());
        Assert.Equal(2, Idp.DiscoveryRequests);
    }

    [Fact]
    public async Task L02_cold_cache_with_nothing_listening_is_unavailable()
    {
        await using var gone = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { Time = Time });
        var token = gone.CreateToken();
        using var harness = ValidatorHarness.Create(Time, gone.Iss);
        await gone.DisposeAsync();

        await harness.UnavailableAsync(token);
    }

    [Fact]
    public async Task L04_new_kid_during_an_outage_is_retryable_while_known_kids_keep_working()
    {
        await WarmAsync();
        var oldKey = Idp.DefaultKey;
        var newKey = Idp.RotateKey();
        Idp.JwksFaults.StatusCode = 500;
        Time.Advance(PastKeyMissInterval);

        await Harness.UnavailableAsync(Idp.CreateToken(spec => spec.Key = newKey));
        await Harness.UnavailableAsync(Idp.CreateToken(spec => spec.Key = newKey));
        Assert.Equal(1, Idp.JwksRequests);
        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Key = oldKey));

        Idp.JwksFaults.Reset();
        Time.Advance(PastKeyMissInterval);
        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Key = newKey));
    }

    /// <summary>Issue 9 §5.1: listed issuers have slots of their own, however many are listed; no bound evicts them.</summary>
    [Fact]
    public async Task Listed_issuers_are_pinned_however_many_there_are()
    {
        await using var second = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { Time = Time });
        await using var third = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { Time = Time });
        using var harness = ValidatorHarness.Create(Time, new OidcValidationOptions { AllowedIssuers = [Idp.Iss, second.Iss, third.Iss], MaxCachedIssuers = 1 });

        foreach (var round in Enumerable.Range(0, 3))
        {
            await harness.ValidateAsync(Idp.CreateToken());
            await harness.ValidateAsync(second.CreateToken());
            await harness.ValidateAsync(third.CreateToken());
        }

        Assert.Equal(3, harness.Cache.CachedIssuerCount);
        Assert.Equal(1, Idp.DiscoveryRequests);
        Assert.Equal(1, second.DiscoveryRequests);
        Assert.Equal(1, third.DiscoveryRequests);
    }

    /// <summary>
    /// Issue 9 §5.1: in allow-any mode a flood of other issuers fills the bounded cache, never a listed issuer's slot, so
    /// when the listed issuer's discovery and JWKS then go down its callers are still served from the cached keys.
    /// </summary>
    [Fact]
    public async Task A_flood_of_unlisted_issuers_cannot_evict_a_listed_one_before_its_outage()
    {
        using var harness = ValidatorHarness.Create(Time, new OidcValidationOptions { AllowedIssuers = [Idp.Iss], AllowAnyIssuer = true, MaxCachedIssuers = 4 });
        await harness.ValidateAsync(Idp.CreateToken());

        // Acceptable issuer URLs that cannot be fetched (the reserved .example domain); each takes a slot of the bounded cache.
        var flood = Enumerable.Range(0, 50).Select(i => Idp.CreateToken(spec => spec.Issuer = $"https://flood-{i}.example"));
        await Task.WhenAll(flood.Select(token => harness.UnavailableAsync(token)));

        Assert.Equal(4 + 1, harness.Cache.CachedIssuerCount);
        Idp.DiscoveryFaults.StatusCode = 503;
        Idp.JwksFaults.StatusCode = 503;
        Time.Advance(TimeSpan.FromHours(2)); // Past the refresh interval, within the staleness bound.
        await harness.ValidateAsync(Idp.CreateToken());
        await harness.WaitForPendingFetchAsync(Idp.Iss);
        await harness.ValidateAsync(Idp.CreateToken());
        Assert.Equal(2, Idp.DiscoveryRequests); // The first fetch, then one failed background refresh: the keys came from the cache.
    }

    [Fact]
    public async Task Cancelled_caller_does_not_cancel_the_shared_fetch()
    {
        Idp.DiscoveryFaults.Delay = TimeSpan.FromMilliseconds(300);
        using var cancel = new CancellationTokenSource();
        var cancelled = Harness.Validator.ValidateAsync(Idp.CreateToken(), cancel.Token).AsTask();
        var patient = Harness.ValidateAsync(Idp.CreateToken());
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await patient;
        Assert.Equal(1, Idp.DiscoveryRequests);
    }

    [Fact]
    public async Task Clock_stepping_back_does_not_break_a_warm_cache()
    {
        await WarmAsync();
        Time.SetUtcNow(Time.GetUtcNow().AddMinutes(-30));
        await Harness.ValidateAsync(Idp.CreateToken());
        Assert.Equal(0, Idp.TotalRequests);
    }
}
