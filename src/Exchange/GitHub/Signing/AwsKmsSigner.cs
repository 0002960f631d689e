using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;

namespace GithubSts.Exchange.GitHub.Signing;

/// <summary>
/// Signs App JWTs with an AWS KMS asymmetric key, so the App private key never exists in this process. Credentials
/// come from the SDK's standard chain (environment, IRSA web identity, EKS pod identity, instance metadata).
/// </summary>
/// <remarks>
/// MessageType RAW with RSASSA_PKCS1_V1_5_SHA_256: KMS hashes the signing input itself, so what it signs is exactly
/// the JWT's <c>header.payload</c> (an App JWT is ~150 bytes, far below RAW's 4096-byte limit) and CloudTrail shows a
/// plain signing request rather than a digest we claim to have computed. Each signature is checked against the key's
/// public half before use, so a wrong key or a corrupted answer fails here, not at GitHub.
/// </remarks>
internal sealed class AwsKmsSigner : IAppJwtSigner, IDisposable
{
    internal const int MinimumKeySizeBits = 2048;

    private readonly AwsKmsSignerOptions _options;
    private readonly AmazonKeyManagementServiceClient _client;
    private readonly SemaphoreSlim _verifyGate = new(1, 1);
    private volatile RSA? _publicKey;

    public AwsKmsSigner(AwsKmsSignerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        var config = new AmazonKeyManagementServiceConfig
        {
            // One retry at most, under the standard mode's retry quota: a failing KMS sees no retry storm from us.
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 1,
            Timeout = options.CallTimeout,
        };
        if (options.ServiceUrl is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        _client = new AmazonKeyManagementServiceClient(config);
    }

    public string Kind => AwsKmsSignerOptions.Kind;

    public async ValueTask VerifyAsync(CancellationToken ct) => await GetPublicKeyAsync(ct);

    public async ValueTask<byte[]> SignAsync(byte[] signingInput, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signingInput);
        var publicKey = await GetPublicKeyAsync(ct);
        var response = await CallAsync(
            "Sign",
            bounded => _client.SignAsync(
                new SignRequest
                {
                    KeyId = _options.KeyId,
                    Message = new MemoryStream(signingInput, writable: false),
                    MessageType = MessageType.RAW,
                    SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256,
                },
                bounded),
            ct);
        var signature = response.Signature?.ToArray() ?? [];
        if (!publicKey.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            // The key was replaced under the alias, or the answer is not from the key we checked: check again next time.
            _publicKey = null;
            throw new AppSignerException(AppSignerFailure.Unavailable, "AWS KMS returned a signature that does not verify with the key's public key.");
        }

        return signature;
    }

    public void Dispose()
    {
        _client.Dispose();
        _verifyGate.Dispose();
        _publicKey?.Dispose();
    }

    private async ValueTask<RSA> GetPublicKeyAsync(CancellationToken ct)
    {
        if (_publicKey is { } known)
        {
            return known;
        }

        await _verifyGate.WaitAsync(ct);
        try
        {
            if (_publicKey is { } fetched)
            {
                return fetched;
            }

            var response = await CallAsync(
                "GetPublicKey", bounded => _client.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = _options.KeyId }, bounded), ct);
            var key = ToSigningKey(response);
            _publicKey = key;
            return key;
        }
        finally
        {
            _verifyGate.Release();
        }
    }

    private static RSA ToSigningKey(GetPublicKeyResponse response)
    {
        if (response.KeyUsage != KeyUsageType.SIGN_VERIFY)
        {
            throw Unusable($"its usage is {response.KeyUsage?.Value ?? "unknown"}, not SIGN_VERIFY");
        }

        if (response.SigningAlgorithms is { Count: > 0 } algorithms
            && !algorithms.Contains(SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256.Value, StringComparer.Ordinal))
        {
            throw Unusable("it does not offer RSASSA_PKCS1_V1_5_SHA_256");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(response.PublicKey?.ToArray() ?? [], out _);
        }
        catch (CryptographicException ex)
        {
            rsa.Dispose();
            throw new AppSignerException(AppSignerFailure.AccessDenied, "The AWS KMS key cannot sign App JWTs: it is not an RSA key.", ex);
        }

        if (rsa.KeySize < MinimumKeySizeBits)
        {
            rsa.Dispose();
            throw Unusable($"it is {rsa.KeySize} bits; at least {MinimumKeySizeBits} are required");
        }

        return rsa;
    }

    private static AppSignerException Unusable(string why) =>
        new(AppSignerFailure.AccessDenied, $"The AWS KMS key cannot sign App JWTs: {why}.");

    /// <summary>One KMS call under the call budget; every failure becomes an <see cref="AppSignerException"/>.</summary>
    private async Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(_options.CallTimeout);
        try
        {
            return await call(budget.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new AppSignerException(
                AppSignerFailure.Unavailable, $"AWS KMS {operation} did not answer within {_options.CallTimeout.TotalSeconds:0.#} s.", ex);
        }
        catch (AmazonServiceException ex) when (!string.IsNullOrEmpty(ex.ErrorCode))
        {
            // Only the error code and HTTP status: the message may quote the caller's role ARN, which is fine in
            // CloudTrail but not ours to repeat.
            throw new AppSignerException(
                KmsErrors.Classify(ex.ErrorCode, (int)ex.StatusCode),
                $"AWS KMS {operation} refused: {ex.ErrorCode} ({(int)ex.StatusCode}).",
                ex);
        }
        catch (Exception ex) when (ex is AmazonClientException or HttpRequestException or IOException)
        {
            throw new AppSignerException(AppSignerFailure.Unavailable, $"AWS KMS {operation} could not be reached ({ex.GetType().Name}).", ex);
        }
    }
}
