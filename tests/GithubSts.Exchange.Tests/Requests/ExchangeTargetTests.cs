using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Tests.Requests;

/// <summary>The scope text is the TrustPolicy index key: it must always be the two names, however a target was made.</summary>
public sealed class ExchangeTargetTests
{
    [Fact]
    public void The_scope_text_is_the_owner_and_the_repository()
    {
        Assert.Equal("octo-org/app", new ExchangeTarget("octo-org", "app").ToString());
        Assert.Equal("octo-org", new ExchangeTarget("octo-org", null).ToString());
    }

    [Fact]
    public void A_copy_with_other_names_has_their_scope_text_and_equality()
    {
        var repository = new ExchangeTarget("octo-org", "app");
        var other = repository with { Repository = "other" };
        var organization = repository with { Repository = null };
        var renamed = repository with { Owner = "evil-org" };

        Assert.Equal("octo-org/other", other.ToString());
        Assert.Equal("octo-org", organization.ToString());
        Assert.True(organization.IsOrganization);
        Assert.Equal("evil-org/app", renamed.ToString());
        Assert.Equal(new ExchangeTarget("evil-org", "app"), renamed);
        Assert.NotEqual(repository, renamed);
        Assert.Equal(repository, other with { Repository = "app" });
        Assert.Equal(repository.GetHashCode(), (other with { Repository = "app" }).GetHashCode());
    }

    [Fact]
    public void It_deconstructs_into_its_names()
    {
        Assert.True(ExchangeTarget.TryParse("octo-org/app", out var target));
        var (owner, repository) = target;
        Assert.Equal(("octo-org", "app"), (owner, repository));
    }
}
