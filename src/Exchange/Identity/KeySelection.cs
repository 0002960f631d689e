namespace GithubSts.Exchange.Identity;

/// <summary>
/// The checks every validator makes once the issuer's keys are known: the kid selected exactly one key, and the
/// token's alg is allowed both by the issuer (discovery) and by that key (RFC 8725 §3.1).
/// </summary>
internal static class KeySelection
{
    /// <param name="owner">Whose keys these are, for the server log ("its issuer", "the cluster").</param>
    public static SigningKey Require(SigningKey? key, string? keyId, JwsAlgorithm allowed, JwsAlgorithm algorithm, string owner)
    {
        if (key is null)
        {
            throw new TokenRejectedException(TokenRejectionReason.UnknownKey, keyId is null
                ? $"The token has no kid and {owner} does not publish exactly one key."
                : $"The token's kid selects no single key of {owner}.");
        }

        if ((allowed & algorithm) == 0 || !key.Permits(algorithm))
        {
            throw new TokenRejectedException(TokenRejectionReason.UnsupportedAlgorithm, $"The token's alg is not allowed for {owner} and key.");
        }

        return key;
    }
}
