using System.Text;

namespace AptOstree.OSTree;

/// <summary>
/// The escapes GLib's keyfiles use for string values (<c>g_key_file_set_string</c> / <c>g_key_file_get_string</c>),
/// shared by the repository config and deployment origin files: leading spaces and tabs as <c>\s</c> and
/// <c>\t</c>, newline, carriage return and backslash everywhere.
/// </summary>
internal static class GKeyFileValue
{
    public static string Escape(string value)
    {
        var sb = new StringBuilder(value.Length);
        bool leading = true;
        foreach (char c in value)
        {
            leading &= c is ' ' or '\t';
            sb.Append(c switch
            {
                ' ' when leading => "\\s",
                '\t' when leading => "\\t",
                '\n' => "\\n",
                '\r' => "\\r",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }

    /// <summary>The inverse of <see cref="Escape"/>; an unknown escape gives the escaped character, a lone trailing backslash itself.</summary>
    public static string Unescape(string raw)
    {
        if (!raw.Contains('\\', StringComparison.Ordinal))
        {
            return raw;
        }

        var sb = new StringBuilder(raw.Length);
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\' || i + 1 == raw.Length)
            {
                sb.Append(raw[i]);
                continue;
            }

            i++;
            sb.Append(raw[i] switch
            {
                's' => ' ',
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                char c => c,
            });
        }

        return sb.ToString();
    }
}
