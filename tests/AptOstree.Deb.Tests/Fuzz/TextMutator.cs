using System.Text;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Character-level mutations for the text formats: inserts and replacements drawn from the characters the grammars
/// care about (field separators, continuation indents, operators, brackets, version punctuation, NUL, CR, non-ASCII),
/// deletions, duplications and line swaps. Deterministic for a given <see cref="Random"/>.
/// </summary>
internal static class TextMutator
{
    private static readonly string[] Tokens =
    [
        ":", " ", "\t", "\n", "\n ", "\n\n", "\r\n", "\r", "\0", "#", "-", "- ", "--", ".", "+", "~", ",", "|", "(", ")", "[", "]", "<", ">", "!", "=",
        "<<", ">>", "<=", ">=", "!=", "=>", "=<", "1:", "::", "-1", "99999999999999999999", "é", "\u00a0", "\ufeff", "\ud800", "😀", "${x}", "\\",
        "Package: ", "Version: ", "Architecture: ", "\n.\n", "-----BEGIN PGP SIGNATURE-----", "-----END PGP SIGNATURE-----", "SHA256:\n", "APT-ID: ",
        "Status: ", "Request: EDSP 0.5\n", "Install: ", "any", ":any", ":native", "<!nocheck>", "[!amd64]", "Date: ", "Valid-Until: ",
    ];

    /// <summary>Applies one to <paramref name="maxOperations"/> mutations.</summary>
    public static (string Text, string Description) Mutate(Random random, string text, int maxOperations = 3)
    {
        var sb = new StringBuilder(text);
        var description = new StringBuilder();
        var operations = random.Next(1, maxOperations + 1);
        for (var i = 0; i < operations; i++)
        {
            description.Append(i == 0 ? string.Empty : "; ").Append(MutateOnce(random, sb));
        }

        return (sb.ToString(), description.ToString());
    }

    private static string MutateOnce(Random random, StringBuilder sb)
    {
        var at = random.Next(sb.Length + 1);
        switch (sb.Length == 0 ? 0 : random.Next(7))
        {
            case 0:
            case 1:
            {
                var token = Tokens[random.Next(Tokens.Length)];
                sb.Insert(at, token);
                return $"insert {Show(token)} at {at}";
            }

            case 2:
            {
                at = Math.Min(at, sb.Length - 1);
                var token = Tokens[random.Next(Tokens.Length)];
                sb.Remove(at, 1).Insert(at, token);
                return $"replace char at {at} with {Show(token)}";
            }

            case 3:
            {
                at = Math.Min(at, sb.Length - 1);
                var count = Math.Min(sb.Length - at, random.Next(1, 12));
                sb.Remove(at, count);
                return $"delete {count} at {at}";
            }

            case 4:
            {
                sb.Length = Math.Min(at, sb.Length);
                return $"truncate at {at}";
            }

            case 5:
            {
                at = Math.Min(at, sb.Length - 1);
                var count = Math.Min(sb.Length - at, random.Next(1, 40));
                var chunk = sb.ToString(at, count);
                var to = random.Next(sb.Length + 1);
                sb.Insert(to, chunk);
                return $"copy {count} from {at} to {to}";
            }

            default:
            {
                at = Math.Min(at, sb.Length - 1);
                var c = (char)random.Next(1, 0x250);
                sb[at] = c;
                return $"set U+{(int)c:X4} at {at}";
            }
        }
    }

    private static string Show(string token) => "'" + token.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "'";
}
