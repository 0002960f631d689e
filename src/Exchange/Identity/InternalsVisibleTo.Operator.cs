using System.Runtime.CompilerServices;

// The operator's Kubernetes service-account token validator (src/Operator/Authentication) reuses the strict JWT
// pre-parser, header and claim readers, time rules, JWKS reader and signing keys instead of re-implementing them.
// "github-sts" is the operator's assembly name (src/Operator/GithubSts.Operator.csproj).
[assembly: InternalsVisibleTo("github-sts")]
