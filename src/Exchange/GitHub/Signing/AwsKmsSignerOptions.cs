namespace GithubSts.Exchange.GitHub.Signing;

/// <summary>An AWS KMS asymmetric key that signs an App's JWTs (config <c>signer: {kind: aws-kms, …}</c>).</summary>
/// <param name="KeyId">A key id, key ARN, alias name (<c>alias/…</c>) or alias ARN.</param>
/// <param name="Region">The key's region, e.g. <c>eu-west-1</c>.</param>
/// <param name="ServiceUrl">Another endpoint (a VPC endpoint, FIPS, a local KMS for tests); null: the region's.</param>
public sealed record AwsKmsSignerOptions(string KeyId, string Region, Uri? ServiceUrl)
{
    public const string Kind = "aws-kms";

    /// <summary>The most one KMS call may take, retry included: a KMS that hangs must not hold exchanges for long.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
