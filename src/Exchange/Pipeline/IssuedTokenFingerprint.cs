namespace GithubSts.Exchange.Pipeline;

/// <summary>A token and its SHA-256, replaced as one reference so a reader never pairs one token with another's hash.</summary>
internal sealed record IssuedTokenFingerprint(string Token, string Sha256);
