using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GithubSts.Exchange.Policies;

/// <summary>Accepts exactly the trust-policy schema from a <see cref="YamlEventStream"/>; stops at the first problem.</summary>
internal sealed class TrustPolicyYamlReader
{
    /// <summary>The policy file's keys (README's table is kept equal to it by a test).</summary>
    internal static readonly string[] KnownFields =
    [
        "issuer", "issuer_pattern", "subject", "subject_pattern", "audience", "audience_pattern",
        "claim_pattern", "permissions", "repositories", "max_token_lifetime", "allow_any_repository_subject",
    ];

    private readonly YamlEventStream _events;

    private TrustPolicyYamlReader(string yaml) => _events = new YamlEventStream(yaml);

    public static TrustPolicyDefinition Read(string yaml) => new TrustPolicyYamlReader(yaml).ReadStream();

    private TrustPolicyDefinition ReadStream()
    {
        Next(); // StreamStart
        var start = Next();
        if (start is StreamEnd)
        {
            throw Fail(start, string.Empty, "the policy document is empty");
        }

        var root = Next(); // the parser guarantees DocumentStart came first
        if (root is Scalar scalar && IsNull(scalar))
        {
            throw Fail(root, string.Empty, "the policy document is empty");
        }

        if (root is not MappingStart)
        {
            throw Fail(root, string.Empty, "the policy must be a mapping of field names to values");
        }

        var definition = ReadPolicy();
        Next(); // DocumentEnd
        var end = Next();
        if (end is not StreamEnd)
        {
            throw Fail(end, string.Empty, "a policy file must contain exactly one YAML document");
        }

        return definition;
    }

    private TrustPolicyDefinition ReadPolicy()
    {
        string? issuer = null, issuerPattern = null, subject = null, subjectPattern = null, audience = null, audiencePattern = null;
        IReadOnlyDictionary<string, string>? claimPatterns = null, permissions = null;
        IReadOnlyList<string>? repositories = null;
        long? maxTokenLifetime = null;
        bool? allowAnyRepositorySubject = null;

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var keyEvent = Next(); keyEvent is not MappingEnd; keyEvent = Next())
        {
            var key = ReadKey(keyEvent, string.Empty, seen);
            switch (key)
            {
                case "issuer": issuer = ReadString(key); break;
                case "issuer_pattern": issuerPattern = ReadString(key); break;
                case "subject": subject = ReadString(key); break;
                case "subject_pattern": subjectPattern = ReadString(key); break;
                case "audience": audience = ReadString(key); break;
                case "audience_pattern": audiencePattern = ReadString(key); break;
                case "claim_pattern": claimPatterns = ReadStringMap(key); break;
                case "permissions": permissions = ReadStringMap(key); break;
                case "repositories": repositories = ReadStringList(key); break;
                case "max_token_lifetime": maxTokenLifetime = ReadInteger(key); break;
                case "allow_any_repository_subject": allowAnyRepositorySubject = ReadBoolean(key); break;
                default: throw Fail(keyEvent, Shorten(key), UnknownFieldMessage(key), PolicyErrorCode.UnknownField);
            }
        }

        return new TrustPolicyDefinition
        {
            Issuer = issuer,
            IssuerPattern = issuerPattern,
            Subject = subject,
            SubjectPattern = subjectPattern,
            Audience = audience,
            AudiencePattern = audiencePattern,
            ClaimPatterns = claimPatterns,
            Permissions = permissions,
            Repositories = repositories,
            MaxTokenLifetimeSeconds = maxTokenLifetime,
            AllowAnyRepositorySubject = allowAnyRepositorySubject,
        };
    }

    private static string ReadKey(ParsingEvent keyEvent, string parentField, HashSet<string> seen)
    {
        if (keyEvent is not Scalar scalar || IsNull(scalar))
        {
            throw Fail(keyEvent, parentField, "keys must be non-empty strings");
        }

        var field = parentField.Length == 0 ? Shorten(scalar.Value) : $"{parentField}.{Shorten(scalar.Value)}";
        if (!seen.Add(scalar.Value))
        {
            throw Fail(keyEvent, field, $"duplicate key '{Shorten(scalar.Value)}'");
        }

        return scalar.Value;
    }

    private string ReadString(string field)
    {
        var value = Next();
        if (value is Scalar scalar && !IsNull(scalar))
        {
            // A plain scalar keeps its written text: `subject: 123` means "123", as the author sees it.
            return scalar.Value;
        }

        throw Fail(value, field, $"must be a string, not {Describe(value)}");
    }

    private Dictionary<string, string> ReadStringMap(string field)
    {
        var start = Next();
        if (start is not MappingStart)
        {
            throw Fail(start, field, $"must be a mapping, not {Describe(start)}");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var keyEvent = Next(); keyEvent is not MappingEnd; keyEvent = Next())
        {
            var key = ReadKey(keyEvent, field, seen);
            map[key] = ReadString($"{field}.{Shorten(key)}");
        }

        return map;
    }

    private List<string> ReadStringList(string field)
    {
        var start = Next();
        if (start is not SequenceStart)
        {
            throw Fail(start, field, $"must be a list, not {Describe(start)}");
        }

        var list = new List<string>();
        for (var item = Peek(); item is not SequenceEnd; item = Peek())
        {
            list.Add(ReadString($"{field}[{list.Count}]"));
        }

        Next(); // SequenceEnd
        return list;
    }

    private long ReadInteger(string field)
    {
        var value = Next();
        if (value is Scalar { Style: ScalarStyle.Plain } scalar
            && scalar.Value.Length is > 0 and <= 19
            && long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        throw Fail(value, field, "must be a whole number of seconds, e.g. 3600");
    }

    /// <summary>Plain <c>true</c> or <c>false</c> only: a quoted "true" or <c>yes</c> is a typo here, not a wish.</summary>
    private bool ReadBoolean(string field)
    {
        var value = Next();
        if (value is Scalar { Style: ScalarStyle.Plain, Value: "true" or "false" } scalar)
        {
            return scalar.Value == "true";
        }

        throw Fail(value, field, "must be true or false");
    }

    /// <summary>YAML's null forms; an empty or null value where a string is expected is an error, not "absent".</summary>
    private static bool IsNull(Scalar scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";

    private static string Describe(ParsingEvent value) => value switch
    {
        Scalar scalar when IsNull(scalar) => "null",
        Scalar => "a string",
        MappingStart => "a mapping",
        SequenceStart => "a list",
        _ => "an unexpected element",
    };

    private static string UnknownFieldMessage(string key)
    {
        var normalized = key.Replace('-', '_');
        var hint = Array.Exists(KnownFields, known => string.Equals(known, normalized, StringComparison.Ordinal))
            ? $"; did you mean {normalized}?"
            : $"; known fields are {string.Join(", ", KnownFields)}";
        return $"unknown field '{Shorten(key)}'{hint}";
    }

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";

    private static PolicyFormatException Fail(
        ParsingEvent at, string field, string message, PolicyErrorCode code = PolicyErrorCode.InvalidYaml) =>
        YamlEventStream.Error(at, field, message, code);

    private ParsingEvent Next() => _events.Next();

    private ParsingEvent Peek() => _events.Peek();
}
