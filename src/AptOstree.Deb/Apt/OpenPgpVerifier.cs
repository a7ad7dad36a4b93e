using System.Text;
using AptOstree.OpenPgp;

namespace AptOstree.Deb.Apt;

/// <summary>
/// Verifies APT repository signatures: the cleartext signature of <c>InRelease</c> (parsed by APT's rules, see
/// <see cref="ClearSignedMessage"/>) and the detached <c>Release.gpg</c> of <c>Release</c>. The OpenPGP rules
/// (trusted, unrevoked, unexpired key; no SHA-1) are <see cref="OpenPgpSignatureVerifier"/>'s.
/// </summary>
public static class OpenPgpVerifier
{
    /// <summary>Verifies an <c>InRelease</c> file and returns the signed Release text.</summary>
    /// <param name="inRelease">The complete InRelease content.</param>
    /// <param name="keyring">The trusted keys.</param>
    /// <param name="sourceName">File name used in messages.</param>
    /// <exception cref="InvalidFormatException">The message does not follow APT's cleartext rules.</exception>
    /// <exception cref="AptException">No valid signature by a trusted key (<see cref="AptErrorCodes.BadSignature"/>).</exception>
    public static string VerifyInRelease(string inRelease, OpenPgpKeyring keyring, string sourceName = "InRelease")
    {
        ArgumentNullException.ThrowIfNull(keyring);
        var message = ClearSignedMessage.Parse(inRelease, sourceName);
        Verify(Encoding.UTF8.GetBytes(WithoutTrailingBlanks(message.SignedText)), Encoding.ASCII.GetBytes(message.ArmoredSignature), keyring, sourceName);
        return message.SignedText + "\n";
    }

    /// <summary>Verifies a detached signature (<c>Release.gpg</c>, binary or armored) over <paramref name="data"/>.</summary>
    /// <exception cref="AptException">No valid signature by a trusted key (<see cref="AptErrorCodes.BadSignature"/>).</exception>
    public static void VerifyDetached(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, OpenPgpKeyring keyring, string sourceName = "Release")
    {
        ArgumentNullException.ThrowIfNull(keyring);
        Verify(data, signature, keyring, sourceName);
    }

    /// <summary>The cleartext framework signs each line without its trailing spaces and tabs (RFC 4880, 7.1).</summary>
    private static string WithoutTrailingBlanks(string text) =>
        string.Join('\n', text.Split('\n').Select(line => line.EndsWith('\r') ? line[..^1].TrimEnd(' ', '\t') + "\r" : line.TrimEnd(' ', '\t')));

    private static void Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, OpenPgpKeyring keyring, string sourceName)
    {
        try
        {
            OpenPgpSignatureVerifier.VerifyDetached(data, signature, keyring, sourceName);
        }
        catch (OpenPgpSignatureException ex)
        {
            throw new AptException(AptErrorCodes.BadSignature, ex.Message, ex);
        }
    }
}
