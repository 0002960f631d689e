using GithubSts.Operator.Apis.V1Alpha1;

namespace GithubSts.Operator.Tenancy;

/// <summary>
/// Kubernetes label-selector semantics (<c>metav1.LabelSelectorAsSelector</c>): every requirement must hold; an empty
/// selector matches every object, including one without labels; <c>NotIn</c> and <c>DoesNotExist</c> hold for an object
/// that lacks the key. A selector Kubernetes would reject is reported by <see cref="Problem"/> and never matches.
/// </summary>
public static class LabelSelectors
{
    public const string In = "In";
    public const string NotIn = "NotIn";
    public const string Exists = "Exists";
    public const string DoesNotExist = "DoesNotExist";

    /// <summary>Null when the selector is valid, else why not (operators and value lists as Kubernetes validates them).</summary>
    public static string? Problem(LabelSelector selector)
    {
        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            if (string.IsNullOrEmpty(requirement.Key))
            {
                return "a matchExpressions entry has no key";
            }

            var values = requirement.Values?.Count ?? 0;
            switch (requirement.Operator)
            {
                case In or NotIn when values == 0:
                    return $"matchExpressions {requirement.Key}: operator {requirement.Operator} needs at least one value";
                case Exists or DoesNotExist when values != 0:
                    return $"matchExpressions {requirement.Key}: operator {requirement.Operator} takes no values";
                case In or NotIn or Exists or DoesNotExist:
                    break;
                default:
                    return $"matchExpressions {requirement.Key}: unknown operator '{requirement.Operator}'";
            }
        }

        return null;
    }

    /// <param name="labels">The object's labels; an object without labels has an empty set, never "unknown".</param>
    public static bool Matches(LabelSelector selector, IReadOnlyDictionary<string, string> labels)
    {
        if (Problem(selector) is not null)
        {
            return false;
        }

        foreach (var (key, value) in selector.MatchLabels ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(requirement.Key, out var actual);
            var values = requirement.Values ?? [];
            var holds = requirement.Operator switch
            {
                In => has && values.Contains(actual!, StringComparer.Ordinal),
                NotIn => !has || !values.Contains(actual!, StringComparer.Ordinal),
                Exists => has,
                DoesNotExist => !has,
                _ => false,
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }
}
