using System.Text;

namespace AptOstree.Deb.Apt;

/// <summary>
/// The file names APT gives what it fetches: <c>QuoteString</c> (a bad character, <c>%</c>, a control character,
/// a space or a non-ASCII byte becomes <c>%xx</c> of its UTF-8 byte), list files named by <c>URItoFileName</c>,
/// and archives named <c>name_version_arch.ext</c>.
/// </summary>
internal static class AptFileNames
{
    /// <summary>The characters <c>URItoFileName</c> quotes besides the ones every quoting does.</summary>
    private const string UriBad = "\\|{}[]<>\"^~_=!@#$%^&*";

    /// <summary>APT's <c>QuoteString(text, bad)</c>.</summary>
    public static string Quote(string text, string bad)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            if (b <= 0x20 || b >= 0x7F || b == (byte)'%' || bad.Contains((char)b, StringComparison.Ordinal))
            {
                sb.Append('%').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append((char)b);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// APT's <c>URItoFileName</c>: the URI without scheme and user information, quoted, <c>/</c> turned into
    /// <c>_</c> (<c>http://host:8080/debian/dists/x/</c> → <c>host:8080_debian_dists_x_</c>,
    /// <c>file:/srv/repo/</c> → <c>_srv_repo_</c>).
    /// </summary>
    public static string UriToFileName(string uri)
    {
        string rest = uri;
        int scheme = rest.IndexOf(':', StringComparison.Ordinal);
        bool hasScheme = scheme > 0 && rest[..scheme].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
        if (hasScheme)
        {
            rest = rest[(scheme + 1)..];
        }

        string host = string.Empty;
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            int slash = rest.IndexOf('/', 2);
            host = slash < 0 ? rest[2..] : rest[2..slash];
            rest = slash < 0 ? string.Empty : rest[slash..];
            int at = host.LastIndexOf('@');
            if (at >= 0)
            {
                host = host[(at + 1)..];
            }

            if (host.StartsWith('[') && host.IndexOf(']', StringComparison.Ordinal) is int close and > 0)
            {
                host = host[1..close] + host[(close + 1)..];
            }
        }

        string path = rest.Length == 0 || rest[0] == '/' ? rest : "/" + rest;
        return Quote(host + path, UriBad).Replace('/', '_');
    }

    /// <summary>
    /// The name APT stores a downloaded .deb under (<c>pkgAcqArchive</c>): name and version quoted with <c>_:</c>,
    /// the architecture with <c>_:.</c>, the extension of the pool file name.
    /// </summary>
    /// <exception cref="UnsafePathException">The name is not a single path component (the index's fields put a
    /// <c>/</c> in it, or it is <c>.</c> or <c>..</c>).</exception>
    public static string ArchiveFileName(string name, string version, string architecture, string? poolFileName, string directory)
    {
        // flExtension: after the last dot of the whole pool path (a path without one is its own "extension").
        string file = poolFileName ?? string.Empty;
        int dot = file.LastIndexOf('.');
        string extension = dot < 0 ? file : file[(dot + 1)..];
        string result = $"{Quote(name, "_:")}_{Quote(version, "_:")}_{Quote(architecture, "_:.")}.{extension}";
        if (result.Contains('/', StringComparison.Ordinal) || result is "." or "..")
        {
            throw new UnsafePathException(result, directory, "the package's name, version or architecture in the index would make the file name leave the directory");
        }

        return result;
    }
}
