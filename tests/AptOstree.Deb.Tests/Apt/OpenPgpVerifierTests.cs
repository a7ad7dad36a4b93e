using AptOstree.Deb.Apt;
using AptOstree.OpenPgp;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Apt;

/// <summary>InRelease verification against the host's real InRelease files and the Debian archive keyring.</summary>
public sealed class OpenPgpVerifierTests
{
    private const string Keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

    /// <summary>
    /// The host's InRelease files of the Debian archive: only those are signed by a key of the Debian archive keyring
    /// (a CI machine may also list a third-party repository, such as one it installed the .NET SDK from).
    /// </summary>
    private static List<string> HostInReleases()
    {
        var files = Directory.Exists(AptListsDirectory.DefaultPath)
            ? Directory.EnumerateFiles(AptListsDirectory.DefaultPath, "*_InRelease")
                .Where(f => File.ReadLines(f).Take(50).Contains("Origin: Debian", StringComparer.Ordinal))
                .Order(StringComparer.Ordinal).ToList()
            : [];
        Skip.If(files.Count == 0 || !File.Exists(Keyring), "No Debian InRelease files in /var/lib/apt/lists or no Debian archive keyring.");
        return files;
    }

    [SkippableFact]
    public void Host_InRelease_files_verify_with_the_archive_keyring()
    {
        var keyring = OpenPgpKeyring.LoadFile(Keyring);
        foreach (var file in HostInReleases())
        {
            string release = OpenPgpVerifier.VerifyInRelease(File.ReadAllText(file), keyring, file);
            var parsed = ReleaseFile.Parse(release, file);
            Assert.NotEmpty(parsed.Files);
            Assert.NotNull(parsed.Codename);
        }
    }

    [SkippableFact]
    public void Tampered_InRelease_fails_with_BadSignature()
    {
        var keyring = OpenPgpKeyring.LoadFile(Keyring);
        string file = HostInReleases()[0];
        string text = File.ReadAllText(file);
        int at = text.IndexOf("\nSHA256:", StringComparison.Ordinal);
        Assert.True(at > 0);
        int digit = text.IndexOfAny("0123456789abcdef".ToCharArray(), at + 10);
        string tampered = text[..digit] + (text[digit] == '0' ? '1' : '0') + text[(digit + 1)..];
        var ex = Assert.Throws<AptException>(() => OpenPgpVerifier.VerifyInRelease(tampered, keyring, file));
        Assert.Equal(AptErrorCodes.BadSignature, ex.ErrorCode);
    }

    [SkippableFact]
    public void Unsigned_lines_after_the_signature_are_rejected_like_apt()
    {
        string text = File.ReadAllText(HostInReleases()[0]) + "Origin: Evil\n";
        var ex = Assert.Throws<InvalidFormatException>(() => ClearSignedMessage.Parse(text, "x"));
        Assert.Equal(AptErrorCodes.InvalidClearSignedMessage, ex.ErrorCode);
        Assert.Contains("unsigned lines", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_keyring_without_the_signing_key_fails_with_BadSignature()
    {
        ExternalTool.Require("gpg");
        using var home = new TempDirectory();
        var env = new Dictionary<string, string> { ["GNUPGHOME"] = home.Path };
        try
        {
            SignAndVerifyWithAGeneratedKey(home, env);
        }
        finally
        {
            // gpg started an agent for this GNUPGHOME; stop exactly that one.
            ExternalTool.Run("gpgconf", ["--kill", "all"], environment: env);
        }
    }

    private static void SignAndVerifyWithAGeneratedKey(TempDirectory home, Dictionary<string, string> env)
    {
        ExternalTool.Run("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", "Test Repo <test@example.invalid>", "ed25519", "sign", "never"], environment: env).EnsureSuccess("gpg --quick-gen-key");
        string asc = home.Combine("test.asc");
        ExternalTool.Run("gpg", ["--batch", "--armor", "--output", asc, "--export", "test@example.invalid"], environment: env).EnsureSuccess("gpg --export");
        var own = OpenPgpKeyring.LoadFile(asc);
        var ex = Assert.Throws<AptException>(() => OpenPgpVerifier.VerifyInRelease(File.ReadAllText(HostInReleases()[0]), own, "x"));
        Assert.Equal(AptErrorCodes.BadSignature, ex.ErrorCode);

        // And a Release signed by the generated key verifies with it (inline and detached).
        string release = home.Combine("Release");
        // "Label" ends in blanks: the cleartext framework signs lines without them, a detached signature with them.
        File.WriteAllText(release, "Origin: Test\nLabel: Test \t\nSuite: test\nCodename: test\nDate: Thu, 26 Nov 2026 00:00:00 UTC\nSHA256:\n " + new string('a', 64) + " 10 main/binary-amd64/Packages\n");
        ExternalTool.Run("gpg", ["--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", "--local-user", "test@example.invalid", "--clearsign", "--output", home.Combine("InRelease"), release], environment: env).EnsureSuccess("gpg --clearsign");
        ExternalTool.Run("gpg", ["--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", "--local-user", "test@example.invalid", "--detach-sign", "--output", home.Combine("Release.gpg"), release], environment: env).EnsureSuccess("gpg --detach-sign");
        string signed = OpenPgpVerifier.VerifyInRelease(File.ReadAllText(home.Combine("InRelease")), own, "InRelease");
        Assert.Equal("test", ReleaseFile.Parse(signed).Codename);
        OpenPgpVerifier.VerifyDetached(File.ReadAllBytes(release), File.ReadAllBytes(home.Combine("Release.gpg")), own);
        var bad = File.ReadAllBytes(release);
        bad[0] ^= 1;
        Assert.Throws<AptException>(() => OpenPgpVerifier.VerifyDetached(bad, File.ReadAllBytes(home.Combine("Release.gpg")), own));
    }

    [Fact]
    public void Expired_release_is_rejected()
    {
        var release = ReleaseFile.Parse("Origin: Test\nDate: Mon, 01 Jan 2024 00:00:00 UTC\nValid-Until: Mon, 08 Jan 2024 00:00:00 UTC\n");
        var ex = Assert.Throws<AptException>(() => release.EnsureFresh(new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(AptErrorCodes.ReleaseExpired, ex.ErrorCode);
        release.EnsureFresh(new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Malformed_stanza_in_a_Packages_index_is_our_exception()
    {
        using var stream = new MemoryStream("Package: a\nVersion: 1\n\nPackage: b\nArchitecture: amd64\n"u8.ToArray());
        var ex = Assert.Throws<InvalidFormatException>(() => PackagesIndexReader.Read(stream, null, "Packages").ToList());
        Assert.Equal(AptErrorCodes.InvalidIndexStanza, ex.ErrorCode);
    }
}
