using System.Security.Cryptography;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.GitHub.Signing;

namespace GithubSts.Exchange.Tests.GitHub;

/// <summary>An external signer (KMS) behind the App JWT cache: asked once per JWT, and a failing one is not hammered.</summary>
public sealed class AppJwtFactorySignerTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly FakeSigner _signer = new();
    private readonly GitHubAppCredentials _app;

    public AppJwtFactorySignerTests() => _app = new("kms", 1234, _signer, new Uri("https://api.github.com"));

    [Fact]
    public async Task Concurrent_callers_share_one_remote_signature()
    {
        var factory = new AppJwtFactory(_clock);
        var tokens = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => factory.GetTokenAsync(_app, CancellationToken.None).AsTask()));

        Assert.Single(tokens.Distinct(StringComparer.Ordinal));
        Assert.Equal(1, _signer.Calls);
    }

    [Fact]
    public async Task A_failing_signer_is_asked_again_only_after_the_backoff()
    {
        var factory = new AppJwtFactory(_clock);
        _signer.Failure = AppSignerFailure.AccessDenied;

        var first = await Assert.ThrowsAsync<AppSignerException>(() => factory.GetTokenAsync(_app, CancellationToken.None).AsTask());
        Assert.Equal("signer_access_denied", first.ReasonCode);
        await Assert.ThrowsAsync<AppSignerException>(() => factory.GetTokenAsync(_app, CancellationToken.None).AsTask());
        Assert.Equal(1, _signer.Calls);

        _signer.Failure = null;
        _clock.Advance(AppJwtFactory.FailureBackoff);
        Assert.NotEmpty(await factory.GetTokenAsync(_app, CancellationToken.None));
        Assert.Equal(2, _signer.Calls);
    }

    [Fact]
    public async Task While_a_refresh_fails_the_cached_token_serves_out_its_life()
    {
        var factory = new AppJwtFactory(_clock);
        var token = await factory.GetTokenAsync(_app, CancellationToken.None);

        // Past the refresh point (2 min left), the signer down: the old token still has a minute.
        _clock.Advance(TimeSpan.FromMinutes(8));
        _signer.Failure = AppSignerFailure.Unavailable;
        Assert.Equal(token, await factory.GetTokenAsync(_app, CancellationToken.None));

        // Under 30 s left: nothing to fall back on, the App's calls fail.
        _clock.Advance(TimeSpan.FromSeconds(40));
        await Assert.ThrowsAsync<AppSignerException>(() => factory.GetTokenAsync(_app, CancellationToken.None).AsTask());
    }

    private sealed class FakeSigner : IAppJwtSigner
    {
        private int _calls;

        public AppSignerFailure? Failure { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public string Kind => "fake-kms";

        public async ValueTask<byte[]> SignAsync(byte[] signingInput, CancellationToken ct)
        {
            Interlocked.Increment(ref _calls);
            await Task.Yield();
            return Failure is { } failure
                ? throw new AppSignerException(failure, "fake refusal")
                : GitHubTestBed.Key.Key.SignData(signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        public ValueTask VerifyAsync(CancellationToken ct) => ValueTask.CompletedTask;
    }
}
