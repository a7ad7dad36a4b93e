using System.Globalization;
using System.Text;
namespace AptOstree.OSTree.GVariant;

/// <summary>
/// The subset of the GVariant text format (<c>g_variant_parse</c>) that <c>ostree commit --add-metadata=KEY=VALUE</c>
/// values use: booleans, numbers (untyped integers are int32, untyped decimals double) with type keywords, strings,
/// <c>b'…'</c> byte strings, <c>objectpath</c>/<c>signature</c>, arrays, dictionaries, tuples, <c>&lt;variants&gt;</c> and
/// <c>@TYPE</c> annotations. Arrays take their element type from the first element or the annotation.
/// </summary>
internal sealed class GVariantTextParser
{
    private static readonly Dictionary<string, char> NumberKeywords = new(StringComparer.Ordinal)
    {
        ["byte"] = 'y', ["int16"] = 'n', ["uint16"] = 'q', ["int32"] = 'i', ["uint32"] = 'u', ["int64"] = 'x', ["uint64"] = 't', ["handle"] = 'h', ["double"] = 'd',
    };

    private readonly string _text;
    private int _at;
    private int _depth;

    private GVariantTextParser(string text) => _text = text;

    /// <summary>Parses one value; the whole text must be consumed.</summary>
    /// <exception cref="AptOstreeException">The text is not a value this parser understands.</exception>
    public static GVariantValue Parse(string text)
    {
        var parser = new GVariantTextParser(text);
        var value = parser.ParseValue(expected: null);
        parser.SkipSpace();
        if (parser._at != text.Length)
        {
            throw parser.Error("expected end of input");
        }

        return parser.ValidType(value);
    }

    private GVariantValue ParseValue(string? expected)
    {
        if (++_depth > GVariantTypeInfo.MaxDepth)
        {
            throw Error($"variant nested deeper than {GVariantTypeInfo.MaxDepth} levels");
        }

        try
        {
            return ParseNestedValue(expected);
        }
        finally
        {
            _depth--;
        }
    }

    private GVariantValue ParseNestedValue(string? expected)
    {
        SkipSpace();
        if (Peek() == '@')
        {
            _at++;
            int start = _at;
            while (_at < _text.Length && !char.IsWhiteSpace(_text[_at]))
            {
                _at++;
            }

            string type = _text[start.._at];
            if (!GVariantTypeInfo.IsValid(type))
            {
                _at = start;
                throw Error($"'{type}' is not a valid type");
            }

            return ParseValue(type);
        }

        char c = Peek();
        if (c == '<')
        {
            _at++;
            var inner = ValidType(ParseValue(null));
            Expect('>');
            return Check(new GVariantValue("v", inner), expected);
        }

        if (c == '[')
        {
            return ParseArray(expected);
        }

        if (c == '{')
        {
            return ParseDictionary(expected);
        }

        if (c == '(')
        {
            return ParseTuple(expected);
        }

        if (c is '\'' or '"')
        {
            return Check(new GVariantValue(expected is "o" or "g" ? expected : "s", ReadString()), expected);
        }

        if (c == 'b' && _at + 1 < _text.Length && _text[_at + 1] is '\'' or '"')
        {
            _at++;
            return Check(new GVariantValue("ay", (byte[])[.. Encoding.UTF8.GetBytes(ReadQuoted()), 0]), expected);
        }

        string word = ReadWord();
        switch (word)
        {
            case "true" or "false":
                return Check(new GVariantValue("b", word == "true"), expected);
            case "objectpath" or "signature":
                SkipSpace();
                return Check(new GVariantValue(word == "objectpath" ? "o" : "g", ReadString()), expected);
            case var keyword when NumberKeywords.TryGetValue(keyword, out char kind):
                SkipSpace();
                return Check(Number(ReadWord(), kind), expected);
            case var number when number.Length > 0 && (char.IsAsciiDigit(number[0]) || number[0] is '-' or '+' or '.'):
                bool isDouble = number.Contains('.', StringComparison.Ordinal) || (!number.Contains("0x", StringComparison.OrdinalIgnoreCase) && number.Contains('e', StringComparison.OrdinalIgnoreCase));
                return Check(Number(number, expected is { Length: 1 } ? expected[0] : isDouble ? 'd' : 'i'), expected);
            default:
                throw Error($"unable to parse '{word}'");
        }
    }

    private GVariantValue ParseArray(string? expected)
    {
        _at++;
        string? element = expected is ['a', ..] ? expected[1..] : null;
        var items = new List<object>();
        SkipSpace();
        while (Peek() != ']')
        {
            if (items.Count > 0)
            {
                Expect(',');
            }

            var item = ParseValue(element);
            element ??= item.Type;
            items.Add(item.Value);
            SkipSpace();
        }

        _at++;
        if (element is null)
        {
            throw Error("unable to infer the type of an empty array (annotate it, e.g. @as [])");
        }

        return Check(element == "y" ? new GVariantValue("ay", items.Cast<byte>().ToArray()) : new GVariantValue("a" + element, items.ToArray()), expected);
    }

    private GVariantValue ParseDictionary(string? expected)
    {
        _at++;
        string? keyType = null, valueType = null;
        if (expected is ['a', '{', ..])
        {
            keyType = expected[2].ToString();
            valueType = expected[3..^1];
        }

        var entries = new List<object>();
        SkipSpace();
        while (Peek() != '}')
        {
            if (entries.Count > 0)
            {
                Expect(',');
            }

            var key = ParseValue(keyType);
            Expect(':');
            var value = ParseValue(valueType);
            keyType ??= key.Type;
            valueType ??= value.Type;
            entries.Add(new object[] { key.Value, value.Value });
            SkipSpace();
        }

        _at++;
        return keyType is null || valueType is null
            ? throw Error("unable to infer the type of an empty dictionary (annotate it, e.g. @a{sv} {})")
            : Check(new GVariantValue($"a{{{keyType}{valueType}}}", entries.ToArray()), expected);
    }

    private GVariantValue ParseTuple(string? expected)
    {
        _at++;
        var types = new StringBuilder("(");
        var members = new List<object>();

        // An expected tuple type (an annotation, or the first element of an array) types the members, as in GLib.
        var memberTypes = expected is ['(', ..] ? GVariantSerializer.MemberTypes(expected) : null;
        SkipSpace();
        while (Peek() != ')')
        {
            var member = ParseValue(memberTypes is not null && members.Count < memberTypes.Count ? memberTypes[members.Count] : null);
            types.Append(member.Type);
            members.Add(member.Value);
            SkipSpace();
            if (Peek() == ',')
            {
                _at++;
                SkipSpace();
            }
        }

        _at++;
        return Check(new GVariantValue(types.Append(')').ToString(), members.ToArray()), expected);
    }

    private GVariantValue Number(string text, char kind)
    {
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || text.StartsWith("-0x", StringComparison.OrdinalIgnoreCase);
        string digits = hex ? text.Replace("0x", string.Empty, StringComparison.OrdinalIgnoreCase) : text;
        var style = hex ? NumberStyles.AllowHexSpecifier : NumberStyles.AllowLeadingSign;
        var culture = CultureInfo.InvariantCulture;
        try
        {
            // Each arm boxes its own type: a switch expression would otherwise convert them all to double.
            object value = kind switch
            {
                'y' => (object)byte.Parse(digits, style, culture),
                'n' => (object)short.Parse(digits, style, culture),
                'q' => (object)ushort.Parse(digits, style, culture),
                'i' or 'h' => (object)int.Parse(digits, style, culture),
                'u' => (object)uint.Parse(digits, style, culture),
                'x' => (object)long.Parse(digits, style, culture),
                't' => (object)ulong.Parse(digits, style, culture),
                'd' => (object)double.Parse(text, NumberStyles.Float, culture),
                _ => throw Error($"'{text}' is not a value of type '{kind}'"),
            };
            return new GVariantValue(kind.ToString(), value);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw Error($"'{text}' is not a valid number of type '{kind}'");
        }
    }

    /// <summary>Catches what the parts allow but GLib does not, such as a dictionary keyed by a variant.</summary>
    private GVariantValue ValidType(GVariantValue value) =>
        GVariantTypeInfo.IsValid(value.Type) ? value : throw Error($"'{value.Type}' is not a valid type");

    private GVariantValue Check(GVariantValue value, string? expected) =>
        expected is null || expected == value.Type ? value : throw Error($"expected a value of type '{expected}', found '{value.Type}'");

    private string ReadQuoted()
    {
        if (Peek() is not ('\'' or '"'))
        {
            throw Error("expected a quoted string");
        }

        char quote = _text[_at++];
        var sb = new StringBuilder();
        while (_at < _text.Length && _text[_at] != quote)
        {
            char c = _text[_at++];
            if (c != '\\' || _at == _text.Length)
            {
                sb.Append(c);
                continue;
            }

            char e = _text[_at++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'a': sb.Append('\a'); break;
                case 'u' when _at + 4 <= _text.Length:
                    sb.Append(int.TryParse(_text.AsSpan(_at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int unit)
                        ? (char)unit
                        : throw Error("\\u needs four hexadecimal digits"));
                    _at += 4;
                    break;
                default: sb.Append(e); break;
            }
        }

        Expect(quote);
        return sb.ToString();
    }

    /// <summary>A quoted <c>s</c>, <c>o</c> or <c>g</c>: GVariant strings end at their NUL, so one inside is refused.</summary>
    private string ReadString()
    {
        int start = _at;
        string text = ReadQuoted();
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            _at = start;
            throw Error("a string cannot contain a NUL character");
        }

        return text;
    }

    private string ReadWord()
    {
        int start = _at;
        while (_at < _text.Length && (char.IsAsciiLetterOrDigit(_text[_at]) || _text[_at] is '-' or '+' or '.' or '_'))
        {
            _at++;
        }

        return _text[start.._at];
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c)
        {
            throw Error($"expected '{c}'");
        }

        _at++;
    }

    private char Peek() => _at < _text.Length ? _text[_at] : '\0';

    private void SkipSpace()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at]))
        {
            _at++;
        }
    }

    private AptOstreeException Error(string message) =>
        new(OstreeErrorCodes.InvalidOption, $"Error parsing variant '{_text}' at {_at}: {message}.");
}
