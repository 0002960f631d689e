using GithubSts.Exchange.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace GithubSts.Exchange.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>Adds the audit trail: an exchange observer plus the background writer that owns the sinks.</summary>
    public static IServiceCollection AddGithubStsAudit(this IServiceCollection services, AuditOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<IExchangeObserver>(sp => sp.GetRequiredService<AuditTrail>());
        services.AddHostedService(sp => sp.GetRequiredService<AuditTrail>());
        return services;
    }
}
