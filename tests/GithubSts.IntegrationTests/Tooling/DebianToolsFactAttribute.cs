using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests.Tooling;

/// <summary>A fact that needs apt, gpg and dpkg-dev; skipped (with the reason) where they are absent.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class DebianToolsFactAttribute : FactAttribute
{
    public DebianToolsFactAttribute()
    {
        if (ToolProcess.MissingDebianToolsReason is { } reason)
        {
            Skip = reason;
        }
    }
}
