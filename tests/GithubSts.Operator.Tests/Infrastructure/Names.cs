namespace GithubSts.Operator.Tests.Infrastructure;

public static class Names
{
    /// <summary>A fresh DNS-label name with <paramref name="prefix"/>.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];
}
