using System.Security.Cryptography;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.GitHub.Signing;

namespace GithubSts.Exchange.Configuration;

/// <summary>An App has exactly one of <c>privateKey</c> and <c>signer</c>; either is checked before anything starts.</summary>
internal static class SignerValidator
{
    public static IAppJwtSigner ValidateKeyOrSigner(string prefix, string? privateKey, SignerSettings? signer)
    {
        var hasKey = !string.IsNullOrEmpty(privateKey);
        if (hasKey && signer is not null)
        {
            throw new ConfigurationException(
                $"{prefix}.signer", "and privateKey are both set: give the key (privateKey) or the KMS that holds it (signer), not both");
        }

        if (signer is not null)
        {
            if (!AppSigners.TryParse(signer.Kind, signer.KeyId, signer.Region, signer.ServiceUrl, out var options, out var field, out var problem))
            {
                throw new ConfigurationException($"{prefix}.signer.{field}", problem);
            }

            return AppSigners.Create(options);
        }

        if (!hasKey)
        {
            throw new ConfigurationException(
                $"{prefix}.privateKey", "is required: PEM text or the path of a PEM file (or name a KMS with signer)");
        }

        try
        {
            return new RsaKeySigner(PrivateKeyLoader.Load(privateKey!));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{prefix}.privateKey", e.Message, e);
        }
    }
}
