using GithubSts.Testing;
using GithubSts.Testing.Oidc;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>One fake issuer on loopback and a validator that trusts exactly it, on a shared manual clock.</summary>
public abstract class IdentityTestBase : IAsyncLifetime
{
    private TestOidcIssuer? idp;
    private ValidatorHarness? harness;

    internal ManualTimeProvider Time { get; } = new();

    internal TestOidcIssuer Idp => idp!;

    internal ValidatorHarness Harness => harness!;

    public virtual async Task InitializeAsync()
    {
        idp = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { Time = Time });
        harness = ValidatorHarness.Create(Time, idp.Iss);
    }

    public async Task DisposeAsync()
    {
        harness?.Dispose();
        if (idp is not null)
        {
            await idp.DisposeAsync();
        }
    }

    /// <summary>Validates one good token so the issuer's metadata is cached, then zeroes the request counters.</summary>
    internal async Task WarmAsync()
    {
        await Harness.ValidateAsync(Idp.CreateToken());
        Idp.ResetCounters();
    }
}
