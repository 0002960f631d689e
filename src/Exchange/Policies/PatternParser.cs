namespace GithubSts.Exchange.Policies;

/// <summary>
/// A small recursive-descent reader of .NET regular-expression syntax. It only ever sees patterns that
/// <see cref="System.Text.RegularExpressions.Regex"/> already accepted, so it mirrors .NET's tokenisation
/// (escapes, classes with subtraction, quantifiers, group kinds) without re-implementing its error handling.
/// </summary>
internal sealed class PatternParser
{
    private readonly string _pattern;
    private int _pos;

    private PatternParser(string pattern) => _pattern = pattern;

    /// <exception cref="FormatException">The pattern has a shape this reader does not understand.</exception>
    public static PatternNode Parse(string pattern)
    {
        var parser = new PatternParser(pattern);
        var node = parser.ParseAlternation();
        if (parser._pos != pattern.Length)
        {
            throw new FormatException($"unexpected ')' at offset {parser._pos}");
        }

        return node;
    }

    private bool AtEnd => _pos >= _pattern.Length;

    private char Peek(int ahead = 0) => _pos + ahead < _pattern.Length ? _pattern[_pos + ahead] : '\0';

    private PatternNode ParseAlternation()
    {
        var branches = new List<PatternNode> { ParseSequence() };
        while (!AtEnd && Peek() == '|')
        {
            _pos++;
            branches.Add(ParseSequence());
        }

        return branches.Count == 1 ? branches[0] : new PatternAlternation(branches);
    }

    private PatternNode ParseSequence()
    {
        var items = new List<PatternNode>();
        while (!AtEnd && Peek() is not ('|' or ')'))
        {
            var atom = ParseAtom();
            if (atom is null)
            {
                continue;
            }

            items.Add(TryConsumeQuantifier(out var maxCount) ? new PatternRepeat(atom, maxCount) : atom);
        }

        return items.Count == 1 ? items[0] : new PatternSequence(items);
    }

    /// <returns>Null for constructs that match nothing, such as <c>(?#comment)</c>.</returns>
    private PatternNode? ParseAtom()
    {
        var start = _pos;
        switch (Peek())
        {
            case '(':
                return ParseGroup();
            case '[':
                SkipCharacterClass();
                return new PatternAtom(PatternAtomKind.CharacterClass, _pattern[start.._pos]);
            case '\\':
                SkipEscape();
                var escape = _pattern[start.._pos];
                return new PatternAtom(IsAnchorEscape(escape) ? PatternAtomKind.Anchor : PatternAtomKind.Escape, escape);
            case '.':
                _pos++;
                return new PatternAtom(PatternAtomKind.AnyCharacter, ".");
            case '^' or '$':
                _pos++;
                return new PatternAtom(PatternAtomKind.Anchor, _pattern[start.._pos]);
            default:
                _pos++;
                return new PatternAtom(PatternAtomKind.Literal, _pattern[start.._pos]);
        }
    }

    private PatternNode? ParseGroup()
    {
        _pos++; // '('
        string? inlineOptions = null;
        var special = false;
        if (Peek() == '?')
        {
            _pos++;
            var kind = Peek();
            if (kind == '#')
            {
                var close = _pattern.IndexOf(')', _pos);
                _pos = close < 0 ? throw new FormatException("unterminated comment") : close + 1;
                return null;
            }

            if (kind is 'i' or 'm' or 'n' or 's' or 'x' or '-')
            {
                var optionsStart = _pos;
                while (!AtEnd && Peek() is not (':' or ')'))
                {
                    _pos++;
                }

                inlineOptions = _pattern[optionsStart.._pos];
                if (Peek() == ')')
                {
                    _pos++;
                    return new PatternInlineOptions(inlineOptions, new PatternSequence([]));
                }

                _pos++; // ':'
            }
            else if (kind == '<' && Peek(1) is not ('=' or '!'))
            {
                var nameStart = _pos;
                SkipPast('>'); // named group (?<name>…); a balancing group (?<a-b>…) has a '-'
                special = _pattern.AsSpan(nameStart, _pos - nameStart).Contains('-');
            }
            else if (kind == '\'')
            {
                _pos++;
                var nameStart = _pos;
                SkipPast('\''); // named group (?'name'…)
                special = _pattern.AsSpan(nameStart, _pos - nameStart).Contains('-');
            }
            else
            {
                // (?: is a plain group; (?= (?! (?<= (?<! (?> (?( are lookarounds, atomic groups and conditionals.
                special = kind != ':';
                _pos += kind == '<' ? 2 : 1;
            }
        }

        var body = ParseAlternation();
        if (Peek() != ')')
        {
            throw new FormatException("unterminated group");
        }

        _pos++;
        if (special)
        {
            return new PatternSpecialGroup(body);
        }

        return inlineOptions is null ? body : new PatternInlineOptions(inlineOptions, body);
    }

    private void SkipPast(char terminator)
    {
        var end = _pattern.IndexOf(terminator, _pos);
        _pos = end < 0 ? throw new FormatException("unterminated group name") : end + 1;
    }

    /// <summary>Consumes <c>*</c>, <c>+</c>, <c>?</c> or <c>{n}</c>/<c>{n,}</c>/<c>{n,m}</c>, plus a lazy <c>?</c>.</summary>
    /// <param name="maxCount">The upper bound; null when unbounded.</param>
    private bool TryConsumeQuantifier(out int? maxCount)
    {
        maxCount = null;
        if (Peek() is '*' or '+' or '?')
        {
            maxCount = Peek() == '?' ? 1 : null;
            _pos++;
        }
        else if (Peek() == '{' && CountedQuantifierLength() is var length and > 0)
        {
            var counts = _pattern.AsSpan(_pos + 1, length - 2);
            var comma = counts.IndexOf(',');
            var upper = comma < 0 ? counts : counts[(comma + 1)..];
            maxCount = upper.IsEmpty ? null : int.TryParse(upper, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var max) ? max : int.MaxValue;
            _pos += length;
        }
        else
        {
            return false;
        }

        if (Peek() == '?')
        {
            _pos++;
        }

        return true;
    }

    /// <returns>The length of a <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c> at the cursor; 0 when the brace is a literal.</returns>
    private int CountedQuantifierLength()
    {
        var i = _pos + 1;
        var digitsStart = i;
        while (i < _pattern.Length && char.IsAsciiDigit(_pattern[i]))
        {
            i++;
        }

        if (i == digitsStart || i >= _pattern.Length)
        {
            return 0;
        }

        if (_pattern[i] == ',')
        {
            i++;
            while (i < _pattern.Length && char.IsAsciiDigit(_pattern[i]))
            {
                i++;
            }
        }

        return i < _pattern.Length && _pattern[i] == '}' ? i + 1 - _pos : 0;
    }

    /// <summary>Skips <c>[…]</c>: a leading <c>]</c> is literal, <c>\</c> escapes, <c>-[…]</c> is a nested subtraction.</summary>
    private void SkipCharacterClass()
    {
        _pos++; // '['
        if (Peek() == '^')
        {
            _pos++;
        }

        var first = true;
        while (!AtEnd)
        {
            var ch = Peek();
            if (ch == ']' && !first)
            {
                _pos++;
                return;
            }

            if (ch == '\\')
            {
                SkipEscape();
            }
            else if (ch == '-' && Peek(1) == '[' && !first)
            {
                _pos++;
                SkipCharacterClass();
                continue;
            }
            else
            {
                _pos++;
            }

            first = false;
        }

        throw new FormatException("unterminated character class");
    }

    /// <summary>Skips one escape sequence, using .NET's lengths for <c>\x</c>, <c>\u</c>, <c>\c</c>, octal, <c>\p{…}</c>, <c>\k&lt;…&gt;</c>.</summary>
    private void SkipEscape()
    {
        _pos++; // '\'
        if (AtEnd)
        {
            throw new FormatException("trailing backslash");
        }

        var kind = _pattern[_pos++];
        switch (kind)
        {
            case 'x':
                _pos += 2;
                break;
            case 'u':
                _pos += 4;
                break;
            case 'c':
                _pos += 1;
                break;
            case '0':
                SkipWhile(IsOctalDigit, max: 2);
                break;
            case >= '1' and <= '9':
                SkipWhile(char.IsAsciiDigit, max: int.MaxValue);
                break;
            case 'p' or 'P' when Peek() == '{':
                SkipPast('}');
                break;
            case 'k' when Peek() is '<' or '\'' or '{':
                var open = _pattern[_pos++];
                SkipPast(open switch { '<' => '>', '{' => '}', _ => '\'' });
                break;
        }

        if (_pos > _pattern.Length)
        {
            throw new FormatException("truncated escape");
        }
    }

    private void SkipWhile(Func<char, bool> predicate, int max)
    {
        for (var n = 0; n < max && !AtEnd && predicate(Peek()); n++)
        {
            _pos++;
        }
    }

    private static bool IsOctalDigit(char c) => c is >= '0' and <= '7';

    private static bool IsAnchorEscape(string escape) => escape is @"\A" or @"\z" or @"\Z" or @"\G" or @"\b" or @"\B";
}
