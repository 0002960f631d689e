using System.Globalization;
using System.Text;
using GithubSts.Exchange.Requests;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>What the Secret holds for each <see cref="SecretFormat"/>: its keys, and the labels the consumer looks for.</summary>
public static class SecretContent
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "github-sts";
    public const string OwnerLabel = "githubsts.io/github-token";
    public const string ExpiresAtAnnotation = "githubsts.io/expires-at";
    public const string ArgoCdSecretTypeLabel = "argocd.argoproj.io/secret-type";
    public const string GitUsername = "x-access-token";

    private static readonly string[] TokenKeys = ["token", "password", ".git-credentials"];

    /// <summary>The Secret's data for a token; every value is UTF-8.</summary>
    public static Dictionary<string, byte[]> Data(SecretFormat format, string token, ExchangeTarget target, Uri webUrl)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(webUrl);
        var values = format switch
        {
            SecretFormat.Token => new Dictionary<string, string>(StringComparer.Ordinal) { ["token"] = token },
            SecretFormat.BasicAuth => new(StringComparer.Ordinal) { ["username"] = GitUsername, ["password"] = token },
            SecretFormat.ArgoCdRepository => new(StringComparer.Ordinal)
            {
                ["type"] = "git",
                ["url"] = new Uri(webUrl, target.ToString()).ToString(),
                ["username"] = GitUsername,
                ["password"] = token,
            },
            SecretFormat.GitCredentials => new(StringComparer.Ordinal)
            {
                [".git-credentials"] = $"{webUrl.Scheme}://{GitUsername}:{token}@{webUrl.Authority}\n",
            },
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        return values.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value), StringComparer.Ordinal);
    }

    /// <summary>The labels: the user's, then the operator's (which win).</summary>
    public static Dictionary<string, string> Labels(SecretPlan plan, string resourceName, ExchangeTarget target)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var labels = new Dictionary<string, string>(plan.Labels, StringComparer.Ordinal)
        {
            [ManagedByLabel] = ManagedByValue,
            [OwnerLabel] = resourceName,
        };
        if (plan.Format == SecretFormat.ArgoCdRepository)
        {
            labels[ArgoCdSecretTypeLabel] = target.IsOrganization ? "repo-creds" : "repository";
        }

        return labels;
    }

    public static Dictionary<string, string> Annotations(SecretPlan plan, DateTimeOffset? expiresAt)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var annotations = new Dictionary<string, string>(plan.Annotations, StringComparer.Ordinal);
        if (expiresAt is { } expires)
        {
            annotations[ExpiresAtAnnotation] = expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        }

        return annotations;
    }

    /// <summary>The token a Secret this operator wrote holds, whatever its format; null when it holds none.</summary>
    public static string? TokenOf(IDictionary<string, byte[]>? data)
    {
        if (data is null)
        {
            return null;
        }

        foreach (var key in TokenKeys)
        {
            if (!data.TryGetValue(key, out var bytes) || bytes is not { Length: > 0 })
            {
                continue;
            }

            var text = Encoding.UTF8.GetString(bytes);
            if (!string.Equals(key, ".git-credentials", StringComparison.Ordinal))
            {
                return text;
            }

            var start = text.IndexOf(GitUsername + ":", StringComparison.Ordinal);
            var end = start < 0 ? -1 : text.IndexOf('@', start);
            return end < 0 ? null : text[(start + GitUsername.Length + 1)..end];
        }

        return null;
    }
}
