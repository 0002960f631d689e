using System.Text.Json;

namespace GithubSts.Exchange.Identity;

/// <summary>Resolves claim names that may be dotted paths into nested objects.</summary>
internal static class ClaimPath
{
    public static bool TryResolve(JsonElement obj, string path, out JsonElement value)
    {
        value = default;
        if (obj.ValueKind != JsonValueKind.Object || path.Length == 0)
        {
            return false;
        }

        if (obj.TryGetProperty(path, out value))
        {
            return true;
        }

        // Try every split point, longest first segment first, so member names that contain dots still resolve.
        for (var dot = path.LastIndexOf('.'); dot > 0; dot = path.LastIndexOf('.', dot - 1))
        {
            if (obj.TryGetProperty(path.AsSpan(0, dot), out var child)
                && TryResolve(child, path[(dot + 1)..], out value))
            {
                return true;
            }
        }

        value = default;
        return false;
    }
}
