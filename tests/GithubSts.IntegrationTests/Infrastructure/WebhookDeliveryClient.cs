using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Webhooks;

namespace GithubSts.IntegrationTests.Infrastructure;

/// <summary>Builds GitHub-shaped deliveries and posts them, signed like GitHub (or not), to the service's webhook.</summary>
public static class WebhookDeliveryClient
{
    public const string Secret = "webhook-secret-for-tests-0123456789";
    public const string OtherSecret = "another-apps-webhook-secret-987654";
    public const string Path = "/github/webhook";

    /// <summary>Configures the test host's App with <see cref="Secret"/>.</summary>
    public static void WithWebhookSecret(Dictionary<string, string> environment) =>
        environment["GITHUBSTS_GITHUB_WEBHOOK_SECRET"] = Secret;

    public static string NewDeliveryId() => Guid.NewGuid().ToString("D");

    public static string Sha(char c) => new(c, 40);

    public static JsonObject Push(
        string reference, string after, long installationId, IEnumerable<string>? added = null, IEnumerable<string>? modified = null,
        IEnumerable<string>? removed = null, string repository = StsTestHost.Repo, bool forced = false) => new()
        {
            ["ref"] = reference,
            ["before"] = Sha('0'),
            ["after"] = after,
            ["created"] = false,
            ["deleted"] = false,
            ["forced"] = forced,
            ["commits"] = new JsonArray(new JsonObject
            {
                ["id"] = after,
                ["added"] = Array(added),
                ["modified"] = Array(modified),
                ["removed"] = Array(removed),
            }),
            ["repository"] = Repository(repository),
            ["installation"] = new JsonObject { ["id"] = installationId },
        };

    public static JsonObject PullRequest(string action, string baseSha, string headSha, long installationId, string repository = StsTestHost.Repo) => new()
    {
        ["action"] = action,
        ["number"] = 7,
        ["pull_request"] = new JsonObject
        {
            ["number"] = 7,
            ["base"] = new JsonObject { ["sha"] = baseSha, ["ref"] = "main" },
            ["head"] = new JsonObject { ["sha"] = headSha, ["ref"] = "feature" },
        },
        ["repository"] = Repository(repository),
        ["installation"] = new JsonObject { ["id"] = installationId },
    };

    /// <summary>Posts a delivery; <paramref name="sign"/> computes the X-Hub-Signature-256 header (null: none sent).</summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient client,
        string eventName,
        JsonNode payload,
        string? deliveryId = null,
        Func<byte[], string?>? sign = null,
        long appId = StsTestHost.AppId,
        Action<HttpRequestMessage>? tamper = null,
        byte[]? body = null)
    {
        body ??= Encoding.UTF8.GetBytes(payload.ToJsonString());
        sign ??= SignWith(Secret);
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId ?? NewDeliveryId());
        request.Headers.Add("X-GitHub-Hook-ID", "123");
        request.Headers.Add("X-GitHub-Hook-Installation-Target-Type", "integration");
        request.Headers.Add("X-GitHub-Hook-Installation-Target-ID", appId.ToString(CultureInfo.InvariantCulture));
        if (sign(body) is { } signature)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }

        tamper?.Invoke(request);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// Requests the simulator received, but the App check (<c>GET /app</c>) the service runs on its own at start-up and
    /// whose timing the tests do not control.
    /// </summary>
    public static int CallsBesidesAppCheck(GithubSts.Testing.GitHub.GitHubSimulator github) =>
        github.RequestCount - github.GetRequestCount(GithubSts.Testing.GitHub.GitHubEndpointKind.App);

    public static Func<byte[], string?> SignWith(string secret) => body => new WebhookSecret(secret).Sign(body);

    public static async Task<string> ResultAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["result"]!.GetValue<string>();

    private static JsonObject Repository(string name) => new()
    {
        ["name"] = name,
        ["full_name"] = $"{StsTestHost.Org}/{name}",
        ["default_branch"] = "main",
        ["owner"] = new JsonObject { ["login"] = StsTestHost.Org },
    };

    private static JsonArray Array(IEnumerable<string>? paths) => [.. (paths ?? []).Select(p => (JsonNode)p)];
}
