using System.Text;
using GithubSts.Exchange.Webhooks;

namespace GithubSts.Exchange.Tests.Webhooks;

public sealed class WebhookSecretTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"zen\":\"Design for failure.\"}");

    // GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
    [Fact]
    public void Verifies_GitHubs_documented_example()
    {
        var secret = new WebhookSecret("It's a Secret to Everybody");
        Assert.True(secret.Verifies("Hello, World!"u8, "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha1=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("sha256=zz")]
    [InlineData("SHA256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17 ")]
    [InlineData(" sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18")]
    public void Refuses_anything_but_the_exact_signature(string? header)
    {
        var secret = new WebhookSecret("It's a Secret to Everybody");
        Assert.False(secret.Verifies("Hello, World!"u8, header));
    }

    [Fact]
    public void A_signature_holds_only_for_its_body_and_its_secret()
    {
        var secret = new WebhookSecret("the-first-secret-of-16");
        var signature = secret.Sign(Body);
        Assert.True(secret.Verifies(Body, signature));
        Assert.False(secret.Verifies([.. Body, (byte)' '], signature));
        Assert.False(new WebhookSecret("the-other-secret-of-16").Verifies(Body, signature));
    }

    [Fact]
    public void Short_secrets_are_refused_and_the_secret_is_never_formatted()
    {
        Assert.Throws<ArgumentException>(() => new WebhookSecret("too-short"));
        Assert.DoesNotContain("sixteen", new WebhookSecret("sixteen-characters").ToString(), StringComparison.Ordinal);
    }
}
