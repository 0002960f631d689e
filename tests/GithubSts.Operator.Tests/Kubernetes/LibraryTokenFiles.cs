using System.Reflection;
using GithubSts.Operator.Kubernetes;

namespace GithubSts.Operator.Tests.Kubernetes;

/// <summary>
/// The library's <see cref="k8s.Authentication.TokenFileAuth"/> re-reads its file when its cached token is a minute old,
/// on the wall clock (no TimeProvider); tests age the cache instead of waiting. Fails loudly if the library renames it.
/// </summary>
internal static class LibraryTokenFiles
{
    public static void ExpireCachedToken(KubernetesClientConfiguration config)
    {
        var provider = Assert.IsType<k8s.Authentication.TokenFileAuth>(config.Library.TokenProvider);
        var expiresAt = typeof(k8s.Authentication.TokenFileAuth).GetProperty("TokenExpiresAt", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        Assert.NotNull(expiresAt);
        expiresAt.SetValue(provider, DateTime.UtcNow.AddMinutes(-1));
    }
}
