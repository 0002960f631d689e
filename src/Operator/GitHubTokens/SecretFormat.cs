namespace GithubSts.Operator.GitHubTokens;

/// <summary>How the token is laid out in the Secret (<c>spec.secret.format</c>).</summary>
public enum SecretFormat
{
    /// <summary>Key <c>token</c>.</summary>
    Token,

    /// <summary>Keys <c>username: x-access-token</c> and <c>password</c> (Flux <c>GitRepository</c>, Tekton).</summary>
    BasicAuth,

    /// <summary>An Argo CD declarative repository (or, for an organization, <c>repo-creds</c>) Secret.</summary>
    ArgoCdRepository,

    /// <summary>Key <c>.git-credentials</c>: one <c>https://x-access-token:TOKEN@host</c> line.</summary>
    GitCredentials,
}

public static class SecretFormats
{
    public const string Token = "token";
    public const string BasicAuth = "basic-auth";
    public const string ArgoCdRepository = "argocd-repository";
    public const string GitCredentials = "git-credentials";

    public static bool TryParse(string? text, out SecretFormat format)
    {
        format = text switch
        {
            null or Token => SecretFormat.Token,
            BasicAuth => SecretFormat.BasicAuth,
            ArgoCdRepository => SecretFormat.ArgoCdRepository,
            GitCredentials => SecretFormat.GitCredentials,
            _ => (SecretFormat)(-1),
        };
        return Enum.IsDefined(format);
    }
}
