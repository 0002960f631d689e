using System.Collections.Concurrent;
using GithubSts.Exchange.Apps;

namespace GithubSts.Exchange.Health;

/// <summary>
/// Readiness: configuration loaded, at least one app usable, and not shutting down (readiness turns false first so
/// load balancers drain the replica before in-flight exchanges finish).
/// </summary>
public sealed class ServiceReadiness(IGitHubAppRegistry apps)
{
    private readonly ConcurrentDictionary<string, AppVerificationState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<bool>> _checks = new(StringComparer.Ordinal);
    private volatile bool _stopping;

    /// <summary>Adds a condition readiness waits for (e.g. the operator's informers having synced).</summary>
    public void AddCheck(string name, Func<bool> isReady) => _checks[name] = isReady;

    public void SetState(string appName, AppVerificationState state) => _states[appName] = state;

    public AppVerificationState GetState(string appName) => _states.GetValueOrDefault(appName, AppVerificationState.Unverified);

    public void MarkStopping() => _stopping = true;

    /// <summary>A stop was requested: the service is draining (still serving, no longer ready).</summary>
    public bool IsStopping => _stopping;

    public bool IsReady(out string reason)
    {
        if (_stopping)
        {
            reason = "shutting down";
            return false;
        }

        foreach (var (name, check) in _checks)
        {
            if (!check())
            {
                reason = name + " not ready";
                return false;
            }
        }

        foreach (var app in apps.Apps)
        {
            if (GetState(app.Name) != AppVerificationState.AuthenticationFailed)
            {
                reason = "ok";
                return true;
            }
        }

        reason = "no usable GitHub App";
        return false;
    }
}
