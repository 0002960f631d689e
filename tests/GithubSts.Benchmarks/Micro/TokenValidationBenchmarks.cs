using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using GithubSts.Benchmarks.Micro.Fixtures;
using GithubSts.Exchange.Identity;

namespace GithubSts.Benchmarks.Micro;

/// <summary>
/// The production <see cref="OidcTokenValidator"/> on GitHub-Actions-shaped tokens (discovery and JWKS already cached),
/// next to one raw RSA-2048 PKCS#1 SHA-256 verification: the floor of an RS256 validation.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks : IDisposable
{
    private ActionsOidc? oidc;
    private string rs256Token = string.Empty;
    private string es256Token = string.Empty;
    private RSA? rsaPublic;
    private byte[] signingInput = [];
    private byte[] signature = [];

    [GlobalSetup]
    public void Setup()
    {
        oidc = ActionsOidc.Create();
        rs256Token = ActionsOidc.CreateToken(oidc.RsaKey);
        es256Token = ActionsOidc.CreateToken(oidc.EcKey);
        oidc.Warm(rs256Token);
        oidc.Warm(es256Token);

        rsaPublic = RSA.Create();
        rsaPublic.ImportSubjectPublicKeyInfo(oidc.RsaKey.PublicKeyDer, out _);
        var lastDot = rs256Token.LastIndexOf('.');
        signingInput = Encoding.ASCII.GetBytes(rs256Token[..lastDot]);
        signature = Base64Url.DecodeFromChars(rs256Token.AsSpan(lastDot + 1));
        if (!VerifyRs256())
        {
            throw new InvalidOperationException("The raw RS256 signature does not verify.");
        }
    }

    [Benchmark(Description = MicroNames.Rs256Validation)]
    public ValueTask<ValidatedIdentity> ValidateRs256() => oidc!.Validator.ValidateAsync(rs256Token, CancellationToken.None);

    [Benchmark(Description = MicroNames.Es256Validation)]
    public ValueTask<ValidatedIdentity> ValidateEs256() => oidc!.Validator.ValidateAsync(es256Token, CancellationToken.None);

    [Benchmark(Description = MicroNames.RawRs256Verify)]
    public bool VerifyRs256() => rsaPublic!.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [GlobalCleanup]
    public void Dispose()
    {
        oidc?.Dispose();
        oidc = null;
        rsaPublic?.Dispose();
        rsaPublic = null;
        GC.SuppressFinalize(this);
    }
}
