using System.Text;

namespace AptOstree.Deb.Apt;

/// <summary>
/// An OpenPGP cleartext-signed message (an <c>InRelease</c> file) split exactly as APT's
/// <c>SplitClearSignedFile</c> does: nothing may precede the BEGIN line, armor headers may not start with
/// <c>-</c>, body lines starting with <c>-</c> must be dash-escaped, and nothing but further signature blocks
/// may follow the signature.
/// </summary>
public sealed class ClearSignedMessage
{
    private const string BeginMessage = "-----BEGIN PGP SIGNED MESSAGE-----";
    private const string BeginSignature = "-----BEGIN PGP SIGNATURE-----";
    private const string EndSignature = "-----END PGP SIGNATURE-----";

    private ClearSignedMessage(string signedText, IReadOnlyList<string> hashHeaders, string armoredSignature)
    {
        SignedText = signedText;
        HashHeaders = hashHeaders;
        ArmoredSignature = armoredSignature;
    }

    /// <summary>The signed text with dash-escaping removed and without the newline before the signature.</summary>
    public string SignedText { get; }

    /// <summary>The values of the <c>Hash:</c> armor headers.</summary>
    public IReadOnlyList<string> HashHeaders { get; }

    /// <summary>The ASCII-armored signature block(s), BEGIN/END lines included.</summary>
    public string ArmoredSignature { get; }

    /// <summary>Splits <paramref name="text"/>; throws <see cref="InvalidFormatException"/> on any deviation.</summary>
    /// <param name="text">The complete InRelease content.</param>
    /// <param name="sourceName">File name used in messages.</param>
    public static ClearSignedMessage Parse(string text, string sourceName = "InRelease")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        int count = lines.Length;
        if (count > 0 && lines[count - 1].Length == 0)
        {
            count--;
        }

        int i = 0;
        if (count == 0 || TrimCr(lines[0]) != BeginMessage)
        {
            bool later = lines.Take(count).Any(l => TrimCr(l) == BeginMessage);
            throw Fail(sourceName, 1, later ? "does not start with a signed message block" : "is not a cleartext-signed message (no BEGIN PGP SIGNED MESSAGE line)");
        }

        i++;
        var hashes = new List<string>();
        for (; ; i++)
        {
            if (i >= count)
            {
                throw Fail(sourceName, i + 1, "ends inside the armor headers");
            }

            string line = TrimCr(lines[i]);
            if (line.Length == 0)
            {
                i++;
                break;
            }

            if (line.StartsWith('-'))
            {
                throw Fail(sourceName, i + 1, "has an armor header line starting with '-'");
            }

            if (line.StartsWith("Hash:", StringComparison.Ordinal))
            {
                hashes.Add(line[5..].Trim());
            }
        }

        var body = new StringBuilder();
        bool first = true;
        for (; ; i++)
        {
            if (i >= count)
            {
                throw Fail(sourceName, i + 1, "has no signature block");
            }

            string line = TrimCr(lines[i]);
            if (line == BeginSignature)
            {
                break;
            }

            if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                line = line[2..];
            }
            else if (line.StartsWith('-'))
            {
                throw Fail(sourceName, i + 1, "has a body line starting with '-' that is not dash-escaped");
            }

            if (!first)
            {
                body.Append('\n');
            }

            body.Append(line);
            first = false;
        }

        var signature = new StringBuilder();
        bool inSignature = false;
        for (; i < count; i++)
        {
            string line = TrimCr(lines[i]);
            if (!inSignature)
            {
                if (line != BeginSignature)
                {
                    throw Fail(sourceName, i + 1, "contains unsigned lines after the signature");
                }

                inSignature = true;
            }
            else if (line == EndSignature)
            {
                inSignature = false;
            }

            signature.Append(line).Append('\n');
        }

        if (inSignature)
        {
            throw Fail(sourceName, count, "has an unterminated signature block");
        }

        return new ClearSignedMessage(body.ToString(), hashes, signature.ToString());
    }

    private static string TrimCr(string line) => line.EndsWith('\r') ? line[..^1] : line;

    private static InvalidFormatException Fail(string source, int line, string what) =>
        new(AptErrorCodes.InvalidClearSignedMessage, $"{source} {what} (line {line}).", null, source, $"line {line}");
}
