using System.Globalization;

namespace GithubSts.Exchange.Policies;

/// <summary>
/// A whitelist parser of the pattern language policies may use (README "Pattern language"): literals, the escapes listed
/// in <see cref="LiteralEscapes"/>, <c>\t \n \r \xHH \uHHHH</c>, <c>.</c>, classes <c>[...]</c> with ranges, groups
/// <c>(...)</c> and <c>(?:...)</c>, <c>|</c>, quantifiers <c>* + ? {n} {n,} {n,m}</c> (optionally lazy) with counts up
/// to <see cref="MaxRepeatCount"/>, and <c>^</c>/<c>$</c>. Everything else is refused with the construct and its offset,
/// so what reaches an engine is exactly what this parse describes: no comment, option or escape can hide structure.
/// </summary>
internal sealed class PatternParser
{
    /// <summary>The largest count in <c>{n}</c>, <c>{n,}</c> and <c>{n,m}</c>.</summary>
    public const int MaxRepeatCount = 100;

    /// <summary>Punctuation that may be escaped to stand for itself. Not <c>\&lt;</c> or <c>\'</c>: .NET reads <c>\&lt;1&gt;</c> and <c>\'1'</c> as backreferences.</summary>
    public const string LiteralEscapes = @"\.-/^$|?*+()[]{}:#&~,=!>@%"";` ";

    private const int MaxDepth = 32;

    private readonly string _pattern;
    private readonly string _field;
    private int _pos;
    private int _depth;

    private PatternParser(string pattern, string field)
    {
        _pattern = pattern;
        _field = field;
    }

    /// <exception cref="PolicyPatternException">The pattern uses something outside the accepted language.</exception>
    public static PatternNode Parse(string pattern, string field = "pattern")
    {
        var parser = new PatternParser(pattern, field);
        var node = parser.ParseAlternation();
        if (!parser.AtEnd)
        {
            throw parser.Error(parser._pos, "has a ')' without a matching '('");
        }

        return node;
    }

    private bool AtEnd => _pos >= _pattern.Length;

    private char Peek(int ahead = 0) => _pos + ahead < _pattern.Length ? _pattern[_pos + ahead] : '\0';

    private PolicyPatternException Error(int offset, string message) =>
        PolicyPattern.Invalid(_field, $"{message} at offset {offset}");

    private PatternNode ParseAlternation()
    {
        var start = _pos;
        var branches = new List<PatternNode> { ParseSequence() };
        while (!AtEnd && Peek() == '|')
        {
            _pos++;
            branches.Add(ParseSequence());
        }

        return branches.Count == 1 ? branches[0] : new PatternAlternation(branches, start);
    }

    private PatternNode ParseSequence()
    {
        var start = _pos;
        var items = new List<PatternNode>();
        while (!AtEnd && Peek() is not ('|' or ')'))
        {
            var atomStart = _pos;
            if (Peek() is '*' or '+' or '?' || (Peek() == '{' && char.IsAsciiDigit(Peek(1))))
            {
                throw Error(atomStart, "has a quantifier with nothing to repeat");
            }

            var atom = ParseAtom();
            items.Add(ParseQuantifiers(atom));
        }

        return items.Count == 1 ? items[0] : new PatternSequence(items, start);
    }

    private PatternNode ParseQuantifiers(PatternNode atom)
    {
        var quantifierStart = _pos;
        if (!TryReadQuantifier(out var min, out var max))
        {
            return atom;
        }

        if (atom is PatternAnchor anchor)
        {
            throw Error(quantifierStart, $"repeats the anchor '{anchor.Symbol}'");
        }

        if (Peek() == '?')
        {
            _pos++; // lazy: same language, same engine choice
        }

        if (Peek() is '*' or '+' or '?' or '{')
        {
            throw Error(_pos, Peek() == '+'
                ? "uses a possessive or nested quantifier (not supported)"
                : "uses a nested quantifier; put the inner repetition in a group");
        }

        return new PatternRepeat(atom, min, max, quantifierStart);
    }

    private PatternNode ParseAtom()
    {
        var start = _pos;
        var ch = Peek();
        switch (ch)
        {
            case '(':
                return ParseGroup();
            case '[':
                return ParseClass();
            case '\\':
                var (set, text) = ParseEscape(inClass: false);
                return new PatternCharSet(PatternAtomKind.Escape, text, set, start);
            case '.':
                _pos++;
                return new PatternCharSet(PatternAtomKind.AnyCharacter, ".", CharRanges.AnyButNewline, start);
            case '^' or '$':
                _pos++;
                return new PatternAnchor(ch, start);
            case ']' or '{' or '}':
                throw Error(start, $"has an unescaped '{ch}'; write \\{ch} for the character itself");
            default:
                _pos++;
                return new PatternCharSet(PatternAtomKind.Literal, ch.ToString(), CharRanges.Single(ch), start);
        }
    }

    private PatternNode ParseGroup()
    {
        var start = _pos;
        _pos++; // '('
        if (Peek() == '?')
        {
            if (Peek(1) != ':')
            {
                throw Error(start, $"uses {DescribeSpecialGroup()}, which is not supported; only (...) and (?:...) groups are");
            }

            _pos += 2;
        }

        if (++_depth > MaxDepth)
        {
            throw Error(start, $"nests groups more than {MaxDepth} deep");
        }

        var body = ParseAlternation();
        _depth--;
        if (Peek() != ')')
        {
            throw Error(start, "has a '(' without a matching ')'");
        }

        _pos++;
        return body;
    }

    /// <summary>Names the construct behind <c>(?</c> so the author learns what was refused.</summary>
    private string DescribeSpecialGroup() => (Peek(1), Peek(2)) switch
    {
        ('#', _) => "a comment (?#...)",
        ('=', _) => "a lookahead (?=...)",
        ('!', _) => "a negative lookahead (?!...)",
        ('<', '=') => "a lookbehind (?<=...)",
        ('<', '!') => "a negative lookbehind (?<!...)",
        ('>', _) => "an atomic group (?>...)",
        ('(', _) => "a conditional (?(...)...)",
        ('<', _) or ('\'', _) when GroupNameHasMinus() => "a balancing group",
        ('<', _) or ('\'', _) or ('P', _) => "a named group",
        _ => "an inline option group such as (?i); inline options are not allowed (write case variants explicitly, e.g. [Kk])",
    };

    private bool GroupNameHasMinus()
    {
        var close = Peek(1) == '<' ? '>' : '\'';
        var end = _pattern.IndexOf(close, _pos + 2);
        return end > 0 && _pattern.AsSpan(_pos + 2, end - _pos - 2).Contains('-');
    }

    private PatternCharSet ParseClass()
    {
        var start = _pos;
        _pos++; // '['
        var negated = false;
        if (Peek() == '^')
        {
            negated = true;
            _pos++;
        }

        var ranges = new List<(char, char)>();
        while (true)
        {
            if (AtEnd)
            {
                throw Error(start, "has a '[' without a matching ']'");
            }

            if (Peek() == ']')
            {
                if (ranges.Count == 0)
                {
                    throw Error(_pos, "has an empty character class; write \\] for the character ']'");
                }

                _pos++;
                break;
            }

            if (Peek() == '-' && Peek(1) == '[')
            {
                throw Error(_pos, "uses character class subtraction -[...], which is not supported");
            }

            var memberStart = _pos;
            var low = ParseClassMember();
            if (Peek() == '-' && Peek(1) != ']')
            {
                _pos++;
                if (Peek() == '[')
                {
                    throw Error(_pos - 1, "uses character class subtraction -[...], which is not supported");
                }

                var high = ParseClassMember();
                if (high < low)
                {
                    throw Error(memberStart, "has a character range in reverse order");
                }

                ranges.Add((low, high));
            }
            else
            {
                ranges.Add((low, low));
            }
        }

        return new PatternCharSet(PatternAtomKind.CharacterClass, _pattern[start.._pos], new CharRanges(ranges, negated), start);
    }

    private char ParseClassMember()
    {
        var ch = Peek();
        if (ch == '\\')
        {
            return ParseEscape(inClass: true).Set.Ranges[0].Low;
        }

        if (ch == '[')
        {
            throw Error(_pos, "has an unescaped '[' inside a character class; write \\[");
        }

        _pos++;
        return ch;
    }

    /// <summary>One escape that stands for exactly one character; every other escape is refused with a reason.</summary>
    private (CharRanges Set, string Text) ParseEscape(bool inClass)
    {
        var start = _pos;
        _pos++; // '\'
        if (AtEnd)
        {
            throw Error(start, "ends with a lone backslash");
        }

        var kind = _pattern[_pos++];
        char value;
        switch (kind)
        {
            case 't':
                value = '\t';
                break;
            case 'n':
                value = '\n';
                break;
            case 'r':
                value = '\r';
                break;
            case 'x':
                value = ReadHex(start, 2);
                break;
            case 'u':
                value = ReadHex(start, 4);
                break;
            case >= '0' and <= '9':
                throw Error(start, $"uses \\{kind}, a backreference or octal escape, which is not supported; backreferences are not allowed (write \\x.. for a character code)");
            case 'k' or '<' or '\'':
                throw Error(start, $"uses \\{kind}, a backreference, which is not supported; backreferences are not allowed");
            case 'd' or 'D' or 'w' or 'W' or 's' or 'S' or 'b' or 'B' or 'p' or 'P':
                throw Error(start, $"uses \\{kind}, which matches non-ASCII characters; {Suggestion(kind)}");
            case 'A' or 'z' or 'Z' or 'G':
                throw Error(start, $"uses the anchor \\{kind}, which is not supported; the whole pattern is always matched against the whole value");
            case var c when LiteralEscapes.Contains(c, StringComparison.Ordinal):
                value = c;
                break;
            default:
                throw Error(start, $"uses the escape \\{kind}, which is not supported{(inClass ? " in a character class" : string.Empty)}");
        }

        return (CharRanges.Single(value), _pattern[start.._pos]);
    }

    private char ReadHex(int start, int digits)
    {
        if (_pos + digits > _pattern.Length
            || !int.TryParse(_pattern.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            throw Error(start, $"has a character-code escape that is not exactly {digits} hex digits");
        }

        _pos += digits;
        return (char)code;
    }

    /// <summary>Reads <c>* + ?</c> or a counted quantifier; a <c>{</c> that does not start one is refused (write <c>\{</c>).</summary>
    private bool TryReadQuantifier(out int min, out int? max)
    {
        (min, max) = (0, null);
        switch (Peek())
        {
            case '*':
                _pos++;
                return true;
            case '+':
                (min, _pos) = (1, _pos + 1);
                return true;
            case '?':
                (max, _pos) = (1, _pos + 1);
                return true;
            case '{':
                break;
            default:
                return false;
        }

        var start = _pos;
        _pos++;
        min = ReadCount(start);
        if (Peek() == ',')
        {
            _pos++;
            max = Peek() == '}' ? null : ReadCount(start);
        }
        else
        {
            max = min;
        }

        if (Peek() != '}')
        {
            throw Error(start, "has a '{' that does not start a quantifier {n}, {n,} or {n,m}; write \\{ for the character itself");
        }

        _pos++;
        if (max < min)
        {
            throw Error(start, "has a repetition {n,m} with m smaller than n");
        }

        return true;
    }

    private int ReadCount(int quantifierStart)
    {
        var digitsStart = _pos;
        while (char.IsAsciiDigit(Peek()))
        {
            _pos++;
        }

        if (_pos == digitsStart)
        {
            throw Error(quantifierStart, "has a '{' that does not start a quantifier {n}, {n,} or {n,m}; write \\{ for the character itself");
        }

        var digits = _pattern.AsSpan(digitsStart, _pos - digitsStart);
        if (digits.Length > 3 || int.Parse(digits, CultureInfo.InvariantCulture) is > MaxRepeatCount)
        {
            throw Error(quantifierStart, $"has a repetition count above {MaxRepeatCount}");
        }

        return int.Parse(digits, CultureInfo.InvariantCulture);
    }

    private static string Suggestion(char escaped) => escaped switch
    {
        'd' => "use [0-9]",
        'D' => "use [^0-9]",
        'w' => "use [A-Za-z0-9_]",
        'W' => "use [^A-Za-z0-9_]",
        's' => "list the characters explicitly, e.g. [ \\t]",
        'S' => "use an explicit ASCII class such as [!-~]",
        'b' or 'B' => "word boundaries depend on Unicode word characters; anchor with explicit ASCII classes instead",
        _ => "Unicode categories are not allowed; use explicit ASCII classes such as [A-Za-z]",
    };
}
