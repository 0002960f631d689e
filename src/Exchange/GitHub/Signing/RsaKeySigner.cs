using System.Security.Cryptography;

namespace GithubSts.Exchange.GitHub.Signing;

/// <summary>Signs with a PEM private key held in this process (the default: <c>privateKey</c>).</summary>
internal sealed class RsaKeySigner(RSA key) : IAppJwtSigner
{
    public string Kind => "private-key";

    internal RSA Key { get; } = key;

    public ValueTask<byte[]> SignAsync(byte[] signingInput, CancellationToken ct) =>
        ValueTask.FromResult(Key.SignData(signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public ValueTask VerifyAsync(CancellationToken ct) => ValueTask.CompletedTask;
}
