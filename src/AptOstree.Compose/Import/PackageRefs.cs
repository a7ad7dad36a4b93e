using System.Text;

namespace AptOstree.Compose;

/// <summary>
/// The repository refs that cache imported packages: <c>aptostree/pkg/NAME/VERSION_ARCH</c>, each part escaped as
/// rpm-ostree escapes its <c>rpmostree/pkg/…</c> refs: letters, digits, <c>.</c> and <c>-</c> stay, <c>_</c> becomes
/// <c>__</c>, any other byte <c>_XX</c> in upper-case hex (<c>:</c> → <c>_3A</c>, <c>+</c> → <c>_2B</c>, <c>~</c> → <c>_7E</c>).
/// </summary>
public static class PackageRefs
{
    /// <summary>The prefix of every package ref.</summary>
    public const string Prefix = "aptostree/pkg/";

    /// <summary>The ref of one package version.</summary>
    public static string For(string name, string version, string architecture)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(architecture);
        return $"{Prefix}{Escape(name)}/{Escape(version)}_{Escape(architecture)}";
    }

    /// <summary>Escapes one ref component.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 8);
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-')
            {
                sb.Append(c);
            }
            else if (c == '_')
            {
                sb.Append("__");
            }
            else
            {
                sb.Append('_').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>.</summary>
    public static string Unescape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '_')
            {
                bytes.Add((byte)text[i]);
            }
            else if (i + 1 < text.Length && text[i + 1] == '_')
            {
                bytes.Add((byte)'_');
                i++;
            }
            else if (i + 2 < text.Length)
            {
                bytes.Add(System.Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                throw new FormatException($"'{text}' is not an escaped ref component.");
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
