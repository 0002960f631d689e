using GithubSts.Exchange.PolicySources;

namespace GithubSts.Exchange.Tests.PolicySources;

public sealed class RepositoryPolicyLocationTests
{
    [Theory]
    [InlineData("{identity}.sts.yaml", "ci.sts.yaml", "", "ci.sts.yaml", true)]
    [InlineData(".github/chainguard/{identity}.sts.yaml", ".github/chainguard/ci.sts.yaml", ".github/chainguard", "ci.sts.yaml", true)]
    [InlineData(".github/sts/{app}/{identity}.sts.yaml", ".github/sts/my-app/ci.sts.yaml", ".github/sts/my-app", "ci.sts.yaml", true)]
    [InlineData(".github/sts/{identity}/policy.yaml", ".github/sts/ci/policy.yaml", ".github/sts", "ci", false)]
    [InlineData("{identity}/{app}/policy.yaml", "ci/my-app/policy.yaml", "", "ci", false)]
    [InlineData("policies/prefix-{identity}-suffix.yaml", "policies/prefix-ci-suffix.yaml", "policies", "prefix-ci-suffix.yaml", true)]
    [InlineData("a/{identity}/{identity}.yaml", "a/ci/ci.yaml", "a", "ci", false)]
    public void The_directory_is_everything_before_the_first_identity_segment(
        string template, string path, string directory, string entry, bool entryIsFile)
    {
        var (actualDirectory, actualEntry, actualIsFile) = RepositoryPolicyLocation.SplitAtIdentity(template, path);

        Assert.Equal(directory, actualDirectory);
        Assert.Equal(entry, actualEntry);
        Assert.Equal(entryIsFile, actualIsFile);
    }

    [Theory]
    [InlineData(".github/sts/policy.yaml", ".github/sts/policy.yaml")]
    [InlineData("{app}.yaml", "my-app.yaml")]
    [InlineData(".github/{identity}.yaml", ".github/extra/ci.yaml")]
    [InlineData(".github/x/{identity}.yaml", ".github/ci.yaml")]
    [InlineData("{IDENTITY}.yaml", "ci.yaml")]
    public void A_template_without_identity_or_a_path_of_another_shape_is_refused(string template, string path)
    {
        Assert.Throws<ArgumentException>(() => RepositoryPolicyLocation.SplitAtIdentity(template, path));
    }
}
