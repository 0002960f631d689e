namespace GithubSts.Testing.GitHub;

/// <summary>The simulated endpoints, for fault injection and request counting.</summary>
public enum GitHubEndpointKind
{
    /// <summary>GET /app.</summary>
    App,

    /// <summary>GET /repos/{o}/{r}/installation, /orgs/{o}/installation and /users/{u}/installation.</summary>
    Installation,

    /// <summary>POST /app/installations/{id}/access_tokens.</summary>
    Mint,

    /// <summary>GET /repos/{o}/{r}/contents/{path}.</summary>
    Contents,

    /// <summary>DELETE /installation/token.</summary>
    Revoke,

    /// <summary>GET /installation/repositories.</summary>
    InstallationRepositories,

    /// <summary>GET /app/installations/{id}.</summary>
    InstallationDetails,

    /// <summary>GET /repos/{o}/{r}/compare/{base}...{head}.</summary>
    Compare,

    /// <summary>POST /repos/{o}/{r}/check-runs.</summary>
    CheckRuns,
}
