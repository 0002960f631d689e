using GithubSts.Exchange.Replay;
using GithubSts.Exchange.Tests.Identity;
using GithubSts.Testing.Oidc;

namespace GithubSts.Exchange.Tests.Replay;

/// <summary>
/// Issue 9 item 6: a token without <c>jti</c> is keyed on what its issuer signed, so re-encoding the signature (ECDSA
/// s → n − s, which needs no key) does not produce a second exchangeable token.
/// </summary>
public sealed class SignedContentKeyTests : IdentityTestBase
{
    private TestSigningKey ecKey = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ecKey = Idp.AddEcKey("ec-1");
    }

    private string EcToken(Action<JwtSpec>? configure = null) => Idp.CreateToken(spec =>
    {
        spec.Key = ecKey;
        spec.Omit.Add("jti");
        configure?.Invoke(spec);
    });

    [Fact]
    public async Task A_malleated_ES256_signature_verifies_but_yields_the_same_replay_key()
    {
        var token = EcToken();
        var malleated = EcdsaMalleability.FlipS(token);
        Assert.NotEqual(token, malleated);

        var original = await Harness.ValidateAsync(token);
        var twin = await Harness.ValidateAsync(malleated);

        // The attack is real: both verify and differ as byte strings ...
        Assert.NotEqual(original.TokenHash, twin.TokenHash);

        // ... but what the issuer signed is the same, and so is the key.
        Assert.Equal(original.SignedContentHash, twin.SignedContentHash);
        Assert.Equal(ReplayKey.For(original), ReplayKey.For(twin));
        Assert.StartsWith("sig:", ReplayKey.For(original), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_different_payload_or_issuer_gives_a_different_key()
    {
        var first = await Harness.ValidateAsync(EcToken());
        var second = await Harness.ValidateAsync(EcToken(spec => spec.Claims["run_attempt"] = "2"));
        Assert.NotEqual(ReplayKey.For(first), ReplayKey.For(second));
        Assert.NotEqual(
            ReplayKey.ForSignedContent("https://a.example", first.SignedContentHash!),
            ReplayKey.ForSignedContent("https://b.example", first.SignedContentHash!));
    }

    [Fact]
    public async Task A_token_with_jti_stays_keyed_on_issuer_and_jti()
    {
        var identity = await Harness.ValidateAsync(EcToken(spec => { spec.Omit.Remove("jti"); spec.TokenId = "jti-7"; }));
        Assert.Equal(ReplayKey.For(identity.Issuer, "jti-7", identity.TokenHash), ReplayKey.For(identity));
    }
}
