using GithubSts.Exchange.Webhooks;

namespace GithubSts.Exchange.Configuration;

internal static class WebhookSettingsValidator
{
    /// <summary>Paths the service already serves: the webhook must not shadow or share them.</summary>
    private static readonly string[] Reserved = ["/sts/exchange", "/token", "/metrics", "/healthz", "/readyz"];

    public static WebhookOptions Validate(WebhookSettings settings)
    {
        var path = settings.Path;
        if (path is not { Length: > 1 } || path[0] != '/' || path.EndsWith('/')
            || path[1..].Split('/').Any(segment => segment.Length == 0 || segment is "." or ".."
                || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ConfigurationException("webhook.path", "must be an absolute path of plain segments ([A-Za-z0-9._-]), e.g. /github/webhook");
        }

        if (Reserved.Any(r => string.Equals(r, path, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ConfigurationException("webhook.path", $"{path} is already served by the service");
        }

        if (settings.MaxBodyBytes is < 1024 or > WebhookOptions.MaxMaxBodyBytes)
        {
            throw new ConfigurationException("webhook.maxBodyBytes", $"must be between 1024 and {WebhookOptions.MaxMaxBodyBytes}");
        }

        return new WebhookOptions { Path = path, MaxBodyBytes = settings.MaxBodyBytes };
    }

    /// <summary>The secret from its text or its file; null when neither is set.</summary>
    public static WebhookSecret? ValidateSecret(string prefix, string? text, string? file)
    {
        var hasText = !string.IsNullOrEmpty(text);
        var hasFile = !string.IsNullOrWhiteSpace(file);
        if (hasText && hasFile)
        {
            throw new ConfigurationException($"{prefix}.webhookSecret", "set webhookSecret or webhookSecretFile, not both");
        }

        string secret;
        var setting = hasFile ? $"{prefix}.webhookSecretFile" : $"{prefix}.webhookSecret";
        if (hasFile)
        {
            try
            {
                secret = File.ReadAllText(file!).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException(setting, $"cannot be read: {e.Message}");
            }
        }
        else if (hasText)
        {
            secret = text!;
        }
        else
        {
            return null;
        }

        if (secret.Length < WebhookSecret.MinimumLength)
        {
            throw new ConfigurationException(setting, $"must have at least {WebhookSecret.MinimumLength} characters");
        }

        return new WebhookSecret(secret);
    }
}
