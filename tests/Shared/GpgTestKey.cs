using AptOstree.OpenPgp;

namespace AptOstree.Testing;

/// <summary>
/// A throw-away GnuPG key made by the real gpg in a temporary GNUPGHOME: its public key exported to
/// <see cref="KeysDirectory"/>/pub.gpg (a directory <c>ostree show --gpg-homedir</c> reads) and its secret key to
/// <see cref="SecretKeyring"/>, as <c>gpg --export-secret-keys</c> writes it.
/// </summary>
internal sealed class GpgTestKey : IDisposable
{
    private readonly TempDirectory _home;

    private GpgTestKey(TempDirectory home, string email)
    {
        _home = home;
        Email = email;
    }

    public string Home => _home.Path;

    public string Email { get; }

    public string Fingerprint { get; private set; } = string.Empty;

    public string KeysDirectory => _home.Combine("keys");

    public string PublicKeyring => _home.Combine("keys", "pub.gpg");

    public string SecretKeyring => _home.Combine("secret.key");

    public OpenPgpKeyring Keyring => OpenPgpKeyring.LoadFile(PublicKeyring);

    /// <summary>Makes a key (a random address when <paramref name="email"/> is null); skips the test without gpg.</summary>
    /// <param name="email">The user id's address.</param>
    /// <param name="algorithm">The primary key's algorithm.</param>
    /// <param name="startTime">When set, gpg in this home (and ostree signing through it) sees a clock that started at
    /// this instant (<c>faked-system-time</c> in <c>gpg.conf</c>): key creation and signature times fall within seconds of it.</param>
    public static GpgTestKey Create(string? email = null, string algorithm = "ed25519", DateTimeOffset? startTime = null)
    {
        email ??= $"k{Guid.NewGuid():N}@example.invalid";
        ExternalTool.Require("gpg");
        var key = new GpgTestKey(new TempDirectory("gpg-"), email);
        Directory.CreateDirectory(key.KeysDirectory);
        if (startTime is DateTimeOffset at)
        {
            File.WriteAllText(key._home.Combine("gpg.conf"), $"faked-system-time {at.ToUnixTimeSeconds()}\n");
        }

        key.Gpg("--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", $"Test <{email}>", algorithm, "sign", "never");
        key.Gpg("--output", key.PublicKeyring, "--export", email);
        key.Gpg("--pinentry-mode", "loopback", "--passphrase", "", "--output", key.SecretKeyring, "--export-secret-keys", email);
        string colons = key.Gpg("--with-colons", "--fingerprint", email);
        key.Fingerprint = colons.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        return key;
    }

    /// <summary>Exports the public key as it is now (after an imported revocation, say) and returns the file's path.</summary>
    public string Export(bool armor)
    {
        string path = _home.Combine(armor ? "export.asc" : "export.gpg");
        Gpg(armor ? ["--armor", "--output", path, "--export", Email] : ["--output", path, "--export", Email]);
        return path;
    }

    /// <summary>Signs <paramref name="data"/> with gpg in the given <paramref name="mode"/> (e.g. <c>--detach-sign</c>).</summary>
    public byte[] Sign(byte[] data, params string[] mode)
    {
        string input = _home.Combine("data");
        string output = _home.Combine("data.sig");
        File.WriteAllBytes(input, data);
        Gpg(["--pinentry-mode", "loopback", "--passphrase", "", "--output", output, .. mode, input]);
        return File.ReadAllBytes(output);
    }

    public string Gpg(params string[] args)
    {
        var result = ExternalTool.Run("gpg", ["--homedir", Home, "--batch", "--yes", .. args]);
        result.EnsureSuccess("gpg " + string.Join(' ', args));
        return result.StandardOutput;
    }

    public void Dispose()
    {
        ExternalTool.Run("gpgconf", ["--homedir", Home, "--kill", "all"]);
        _home.Dispose();
    }
}
