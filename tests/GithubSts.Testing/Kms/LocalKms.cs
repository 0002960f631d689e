using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GithubSts.Testing.Kms;

/// <summary>
/// An AWS KMS over real HTTP on loopback, speaking the AWS JSON 1.1 protocol the SDK uses (<c>X-Amz-Target:
/// TrentService.Sign</c> and <c>TrentService.GetPublicKey</c>) for one RSA-2048 SIGN_VERIFY key it holds. It can be
/// made unreachable or refusing, and counts the calls it received.
/// </summary>
/// <remarks>SigV4 signatures are not verified: only that the request carries one made with <see cref="AccessKeyId"/>.</remarks>
public sealed class LocalKms : IAsyncDisposable
{
    public const string AccessKeyId = "AKIALOCALKMSTEST0001";
    public const string SecretAccessKey = "local-kms-test-secret-not-a-real-one";
    public const string Region = "eu-west-1";
    public const string Alias = "alias/github-sts-test";

    private const string Account = "111122223333";
    private const string JsonContentType = "application/x-amz-json-1.1";

    private readonly string _keyGuid = Guid.NewGuid().ToString();
    private int _signCalls;
    private int _publicKeyCalls;
    private volatile LocalKmsMode _mode;
    private WebApplication? _host;

    private LocalKms(RSA key, string keySpec, string keyUsage)
    {
        Key = key;
        KeySpec = keySpec;
        KeyUsage = keyUsage;
    }

    /// <summary>The key KMS holds; register it with the GitHub simulator so it trusts what this KMS signs.</summary>
    public RSA Key { get; }

    public string KeySpec { get; }

    public string KeyUsage { get; }

    public string KeyArn => $"arn:aws:kms:{Region}:{Account}:key/{_keyGuid}";

    public Uri ServiceUrl { get; private set; } = null!;

    public LocalKmsMode Mode
    {
        get => _mode;
        set => _mode = value;
    }

    /// <summary>Sign requests received (answered or refused).</summary>
    public int SignCalls => Volatile.Read(ref _signCalls);

    /// <summary>GetPublicKey requests received (answered or refused).</summary>
    public int GetPublicKeyCalls => Volatile.Read(ref _publicKeyCalls);

    /// <summary>
    /// Puts static test credentials where the SDK's standard chain looks first (the environment), and turns off the
    /// instance-metadata lookup that would otherwise stall a test for seconds. Process-wide and idempotent.
    /// </summary>
    public static void UseTestCredentials()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecretAccessKey);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    /// <param name="keySpec">What GetPublicKey reports (the key is RSA-2048 whatever this says).</param>
    /// <param name="keyUsage">What GetPublicKey reports: SIGN_VERIFY, or ENCRYPT_DECRYPT to test a key that cannot sign.</param>
    public static async Task<LocalKms> StartAsync(string keySpec = "RSA_2048", string keyUsage = "SIGN_VERIFY", CancellationToken ct = default)
    {
        UseTestCredentials();
        var kms = new LocalKms(RSA.Create(2048), keySpec, keyUsage);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/", kms.HandleAsync);
        await app.StartAsync(ct);
        kms._host = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        kms.ServiceUrl = new Uri(address.TrimEnd('/') + "/");
        return kms;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }

        Key.Dispose();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var target = http.Request.Headers["X-Amz-Target"].ToString();
        if (string.Equals(target, "TrentService.Sign", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _signCalls);
        }
        else if (string.Equals(target, "TrentService.GetPublicKey", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _publicKeyCalls);
        }

        switch (_mode)
        {
            case LocalKmsMode.Unreachable:
                http.Abort();
                return;
            case LocalKmsMode.AccessDenied:
                await ErrorAsync(http, "AccessDeniedException", $"User: arn:aws:sts::{Account}:assumed-role/test is not authorized to perform: kms:Sign");
                return;
            case LocalKmsMode.InvalidState:
                await ErrorAsync(http, "KMSInvalidStateException", $"{KeyArn} is pending deletion.");
                return;
        }

        if (!http.Request.Headers.Authorization.ToString().StartsWith($"AWS4-HMAC-SHA256 Credential={AccessKeyId}/", StringComparison.Ordinal))
        {
            await ErrorAsync(http, "UnrecognizedClientException", "The security token included in the request is invalid.");
            return;
        }

        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var keyId = body?["KeyId"]?.GetValue<string>();
        if (!IsThisKey(keyId))
        {
            await ErrorAsync(http, "NotFoundException", "Key not found.");
            return;
        }

        switch (target)
        {
            case "TrentService.GetPublicKey":
                await JsonAsync(http, new JsonObject
                {
                    ["KeyId"] = KeyArn,
                    [nameof(KeySpec)] = KeySpec,
                    ["CustomerMasterKeySpec"] = KeySpec,
                    [nameof(KeyUsage)] = KeyUsage,
                    ["PublicKey"] = Convert.ToBase64String(Key.ExportSubjectPublicKeyInfo()),
                    ["SigningAlgorithms"] = new JsonArray("RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PSS_SHA_256"),
                });
                return;
            case "TrentService.Sign":
                await SignAsync(http, body!);
                return;
            default:
                await ErrorAsync(http, "UnknownOperationException", "Unknown operation " + target);
                return;
        }
    }

    private async Task SignAsync(HttpContext http, JsonObject body)
    {
        var algorithm = body["SigningAlgorithm"]?.GetValue<string>();
        var messageType = body["MessageType"]?.GetValue<string>() ?? "RAW";
        var message = Convert.FromBase64String(body["Message"]?.GetValue<string>() ?? string.Empty);
        if (!string.Equals(algorithm, "RSASSA_PKCS1_V1_5_SHA_256", StringComparison.Ordinal) || !string.Equals(KeyUsage, "SIGN_VERIFY", StringComparison.Ordinal))
        {
            await ErrorAsync(http, "KMSInvalidSigningAlgorithmException", "Unsupported signing algorithm.");
            return;
        }

        var signature = messageType switch
        {
            "RAW" when message.Length <= 4096 => Key.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "DIGEST" when message.Length == 32 => Key.SignHash(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => null,
        };
        if (signature is null)
        {
            await ErrorAsync(http, "ValidationException", "Invalid message.");
            return;
        }

        await JsonAsync(http, new JsonObject
        {
            ["KeyId"] = KeyArn,
            ["Signature"] = Convert.ToBase64String(signature),
            ["SigningAlgorithm"] = algorithm,
        });
    }

    private bool IsThisKey(string? keyId) =>
        keyId is not null && (string.Equals(keyId, KeyArn, StringComparison.Ordinal) || string.Equals(keyId, _keyGuid, StringComparison.Ordinal)
            || string.Equals(keyId, Alias, StringComparison.Ordinal)
            || string.Equals(keyId, $"arn:aws:kms:{Region}:{Account}:{Alias}", StringComparison.Ordinal));

    private static Task JsonAsync(HttpContext http, JsonObject body)
    {
        http.Response.ContentType = JsonContentType;
        return http.Response.WriteAsync(body.ToJsonString());
    }

    private static Task ErrorAsync(HttpContext http, string type, string message)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        http.Response.Headers["x-amzn-ErrorType"] = type;
        return JsonAsync(http, new JsonObject { ["__type"] = type, ["message"] = message });
    }
}
