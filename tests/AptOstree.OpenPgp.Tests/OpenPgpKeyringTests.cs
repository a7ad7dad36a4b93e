using AptOstree.OpenPgp;
using AptOstree.Testing;

namespace AptOstree.OpenPgp.Tests;

/// <summary>Keyrings selected by key id, merged as gpg --import merges, and exported in a form gpg reads back.</summary>
public sealed class OpenPgpKeyringTests
{
    private static readonly byte[] Data = "signed\n"u8.ToArray();

    [SkippableFact]
    public void Select_Merge_Export_KeepOneCertificatePerKey_TakeInARevocation_AndGpgReadsTheExport()
    {
        using var gpg = GpgTestKey.Create();
        using var other = GpgTestKey.Create();
        var original = OpenPgpKeyring.LoadFile(gpg.Export(armor: false));
        var both = OpenPgpKeyring.Combine([original, OpenPgpKeyring.LoadFile(other.Export(armor: true))]);

        Assert.Equal([other.Fingerprint], both.Select(["0x" + other.Fingerprint[^16..].ToLowerInvariant()]).Fingerprints);
        Assert.Equal([gpg.Fingerprint], both.Select([gpg.Fingerprint[^8..], "nobody@example.invalid"]).Fingerprints);
        Assert.Equal(0, both.Select(["0123456789ABCDEF"]).CertificateCount);

        // Merging a certificate already present keeps one copy; a newer copy carrying a revocation revokes it.
        var merged = original.Merge(both);
        Assert.Equal([gpg.Fingerprint, other.Fingerprint], merged.Fingerprints);
        byte[] signature = gpg.Sign(Data, "--detach-sign");
        Assert.Equal(gpg.Fingerprint, OpenPgpSignatureVerifier.VerifyDetached(Data, signature, merged));

        string revocation = File.ReadAllText(Path.Combine(gpg.Home, "openpgp-revocs.d", gpg.Fingerprint + ".rev")).Replace(":-----BEGIN", "-----BEGIN", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(gpg.Home, "rev.asc"), revocation);
        gpg.Gpg("--import", Path.Combine(gpg.Home, "rev.asc"));
        var revoked = merged.Merge(OpenPgpKeyring.LoadFile(gpg.Export(armor: false)));
        Assert.Equal(2, revoked.CertificateCount);
        var ex = Assert.Throws<OpenPgpSignatureException>(() => OpenPgpSignatureVerifier.VerifyDetached(Data, signature, revoked));
        Assert.Contains("revoked", ex.Message, StringComparison.Ordinal);

        // The export is a keyring gpg lists, and that we read back unchanged.
        using var tmp = new TempDirectory("keyring-export-");
        string exported = tmp.Combine("export.gpg");
        using (var file = File.Create(exported))
        {
            revoked.Export(file);
        }

        string listed = ExternalTool.Output("gpg", "--homedir", tmp.Path, "--batch", "--with-colons", "--show-keys", exported);
        Assert.Contains("fpr:::::::::" + gpg.Fingerprint + ":", listed, StringComparison.Ordinal);
        Assert.Contains("fpr:::::::::" + other.Fingerprint + ":", listed, StringComparison.Ordinal);
        Assert.Contains("pub:r:", listed, StringComparison.Ordinal);
        Assert.Equal(revoked.Fingerprints, OpenPgpKeyring.LoadFile(exported).Fingerprints);
    }

    [Fact]
    public void Load_FromAPipe_IsBuffered_AndNotAKeyringIsOurError()
    {
        using var pipe = new NonSeekableStream("not a keyring"u8.ToArray());
        var ex = Assert.Throws<InvalidFormatException>(() => OpenPgpKeyring.Load(pipe, "stdin"));
        Assert.Equal(CoreErrorCodes.InvalidKeyring, ex.ErrorCode);
        Assert.Contains("stdin", ex.Message, StringComparison.Ordinal);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
