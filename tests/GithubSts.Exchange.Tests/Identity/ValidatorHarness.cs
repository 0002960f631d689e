using GithubSts.Exchange.Identity;
using GithubSts.Testing;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>A validator wired as in production (real HTTP client, cache, manual clock) plus assertion helpers.</summary>
internal sealed class ValidatorHarness : IDisposable
{
    private readonly HttpClient http;

    private ValidatorHarness(ManualTimeProvider time, OidcValidationOptions options)
    {
        Time = time;
        Options = options;
        http = OidcMetadataCache.CreateHttpClient(options);
        Cache = new OidcMetadataCache(options, http, time, CacheLog);
        Validator = new OidcTokenValidator(options, Cache, time, ValidatorLog);
    }

    public ManualTimeProvider Time { get; }

    public OidcValidationOptions Options { get; }

    public OidcMetadataCache Cache { get; }

    public OidcTokenValidator Validator { get; }

    public CapturingLogger<OidcMetadataCache> CacheLog { get; } = new();

    public CapturingLogger<OidcTokenValidator> ValidatorLog { get; } = new();

    public static ValidatorHarness Create(ManualTimeProvider time, OidcValidationOptions options) => new(time, options);

    /// <summary>Default options trusting exactly these issuers.</summary>
    public static ValidatorHarness Create(ManualTimeProvider time, params string[] allowedIssuers) =>
        new(time, new OidcValidationOptions { AllowedIssuers = allowedIssuers });

    public Task<ValidatedIdentity> ValidateAsync(string token) => Validator.ValidateAsync(token, CancellationToken.None).AsTask();

    public async Task<TokenRejectedException> RejectsAsync(string token, TokenRejectionReason expected)
    {
        var rejected = await Assert.ThrowsAsync<TokenRejectedException>(() => ValidateAsync(token));
        Assert.Equal(expected, rejected.Reason);
        return rejected;
    }

    public Task<IdentityProviderUnavailableException> UnavailableAsync(string token) =>
        Assert.ThrowsAsync<IdentityProviderUnavailableException>(() => ValidateAsync(token));

    public Task WaitForPendingFetchAsync(string issuer) => Cache.WaitForPendingFetchAsync(issuer);

    public void Dispose()
    {
        Cache.Dispose();
        http.Dispose();
    }
}
