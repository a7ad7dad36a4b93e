using AptOstree.OpenPgp;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// A remote's signature policy. ed25519, from the keys <c>ostree remote add --sign-verify=ed25519=inline:KEY</c> (or
/// <c>=file:PATH</c>) writes: <c>sign-verify</c> (true, or a list of signature types) checks every pulled commit's
/// detached signatures; <c>sign-verify-summary=true</c> checks <c>summary.sig</c>; keys come from
/// <c>verification-ed25519-key</c> (base64) and <c>verification-ed25519-file</c> (base64 keys, one per line).
/// GPG, as libostree: <c>gpg-verify</c> (true when absent, as <c>ostree remote add</c> without
/// <c>--no-gpg-verify</c> leaves it) checks each commit's <c>ostree.gpgsigs</c>; <c>gpg-verify-summary=true</c> the
/// summary's; trusted keys are <c>REPO/REMOTE.trustedkeys.gpg</c> (<c>ostree remote gpg-import</c>) and the files or
/// directories (their <c>*.gpg</c>) listed in <c>gpgkeypath</c>, and, only when the remote has no keyring file of its
/// own, <c>/usr/share/ostree/trusted.gpg.d/*.gpg</c>.
/// </summary>
internal sealed record RemoteVerification(bool VerifyCommits, bool VerifySummary, IReadOnlyList<byte[]> PublicKeys)
{
    public static readonly RemoteVerification None = new(false, false, []);

    /// <summary>Whether each pulled commit needs a valid GPG signature by <see cref="GpgKeyring"/>.</summary>
    public bool GpgVerifyCommits { get; init; }

    /// <summary>Whether <c>summary.sig</c> needs a valid GPG signature by <see cref="GpgKeyring"/>.</summary>
    public bool GpgVerifySummary { get; init; }

    /// <summary>The remote's trusted GPG keys (empty when it has none).</summary>
    public OpenPgpKeyring GpgKeyring { get; init; } = OpenPgpKeyring.Combine([]);

    /// <summary>The keyring files <see cref="GpgKeyring"/> was read from, for messages.</summary>
    public IReadOnlyList<string> GpgKeyringFiles { get; init; } = [];

    /// <summary>The policy of <paramref name="remote"/>, configured in <paramref name="repository"/>.</summary>
    public static RemoteVerification For(OstreeRemote remote, OstreeRepository repository) =>
        WithGpg(ForEd25519(remote), remote, repository, remote.GpgVerify, ParseBoolean(remote, "gpg-verify-summary"));

    /// <summary>
    /// GPG checks only, as asked for by the caller rather than the remote's config (<c>pull-local --gpg-verify</c>),
    /// with <paramref name="remote"/>'s trusted keys.
    /// </summary>
    public static RemoteVerification ForGpgOnly(OstreeRemote remote, OstreeRepository repository, bool commits, bool summary) =>
        WithGpg(None, remote, repository, commits, summary);

    private static RemoteVerification WithGpg(RemoteVerification policy, OstreeRemote remote, OstreeRepository repository, bool gpgCommits, bool gpgSummary)
    {
        if (!gpgCommits && !gpgSummary)
        {
            return policy;
        }

        string own = RemoteStore.TrustedKeysFile(repository.Path, remote.Name);
        var files = GpgKeyringFilesOf(remote, repository, own);
        var keyrings = new List<OpenPgpKeyring>();
        foreach (string file in files)
        {
            try
            {
                if (file == own)
                {
                    // The remote's own keyring is part of the repository: read through its file system.
                    if (repository.FileSystem.TryGetTargetStatus(file, out var status) && status.Size > 0)
                    {
                        using var stream = new MemoryStream(repository.FileSystem.ReadAllBytes(file), writable: false);
                        keyrings.Add(OpenPgpKeyring.Load(stream, file));
                    }
                }
                else if (new FileInfo(file).Length > 0)
                {
                    // gpgkeypath and the global keyring directory are outside the repository: the real file system.
                    keyrings.Add(OpenPgpKeyring.LoadFile(file));
                }
            }
            catch (InvalidFormatException ex)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"Remote '{remote.Name}': GPG keyring {file} cannot be read: {ex.Message}", ex);
            }
        }

        return policy with { GpgVerifyCommits = gpgCommits, GpgVerifySummary = gpgSummary, GpgKeyring = OpenPgpKeyring.Combine(keyrings), GpgKeyringFiles = files };
    }

    /// <summary>Describes where the trusted GPG keys came from, for error messages.</summary>
    public string DescribeGpgKeys() => GpgKeyringFiles.Count == 0
        ? "the remote has no trusted GPG keys (import them with 'ostree remote gpg-import' or set gpgkeypath)"
        : "trusted keys from " + string.Join(", ", GpgKeyringFiles);

    private static List<string> GpgKeyringFilesOf(OstreeRemote remote, OstreeRepository repository, string own)
    {
        var files = new List<string>();
        bool hasOwn = repository.FileSystem.FileExists(own);
        if (hasOwn)
        {
            files.Add(own);
        }

        // gpgkeypath names user-given key files and directories outside the repository: the real file system.
        if (remote.Options.GetValueOrDefault("gpgkeypath") is string keyPath)
        {
            foreach (string path in keyPath.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Directory.Exists(path))
                {
                    files.AddRange(KeyringsIn(path));
                }
                else if (File.Exists(path))
                {
                    files.Add(path);
                }
                else
                {
                    throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"Remote '{remote.Name}': gpgkeypath {path} does not exist.");
                }
            }
        }

        // The global keyring directory is outside the repository: the real file system.
        if (!hasOwn && Directory.Exists(RemoteStore.GlobalGpgKeyringDirectory))
        {
            files.AddRange(KeyringsIn(RemoteStore.GlobalGpgKeyringDirectory));
        }

        return files;
    }

    /// <summary>The <c>*.gpg</c> files of a keyring directory outside any repository (on the real file system).</summary>
    internal static IEnumerable<string> KeyringsIn(string directory) =>
        Directory.EnumerateFiles(directory, "*.gpg").Order(StringComparer.Ordinal);

    private static RemoteVerification ForEd25519(OstreeRemote remote)
    {
        bool commits = SignVerifyEnabled(remote);
        bool summary = ParseBoolean(remote, "sign-verify-summary");
        if (!commits && !summary)
        {
            return None;
        }

        var keyTexts = new List<string>();
        if (remote.Options.GetValueOrDefault("verification-ed25519-key") is string inline)
        {
            keyTexts.Add(inline);
        }

        if (remote.Options.GetValueOrDefault("verification-ed25519-file") is string file)
        {
            // A user-given key file outside the repository: the real file system.
            if (!File.Exists(file))
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"Remote '{remote.Name}': verification-ed25519-file {file} does not exist.");
            }

            keyTexts.AddRange(File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0));
        }

        if (keyTexts.Count == 0)
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"Remote '{remote.Name}' requires signature verification but has no verification-ed25519-key or verification-ed25519-file.");
        }

        var keys = new List<byte[]>();
        foreach (var text in keyTexts)
        {
            byte[] key;
            try
            {
                key = Convert.FromBase64String(text);
            }
            catch (FormatException ex)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"Remote '{remote.Name}': an ed25519 public key is not base64.", ex);
            }

            keys.Add(key.Length == 32 ? key : throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"Remote '{remote.Name}': an ed25519 public key has 32 bytes, not {key.Length}."));
        }

        return new RemoteVerification(commits, summary, keys);
    }

    private static bool SignVerifyEnabled(OstreeRemote remote)
    {
        string? value = remote.Options.GetValueOrDefault("sign-verify")?.Trim();
        if (value is null || IsFalse(value))
        {
            return false;
        }

        if (IsTrue(value))
        {
            return true;
        }

        // Otherwise a list of signature types, as `remote add --sign-verify=TYPE=...` writes it.
        var types = value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unsupported = types.Where(t => t != "ed25519").ToArray();
        return unsupported.Length == 0
            ? types.Length > 0
            : throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Remote '{remote.Name}': signature type '{unsupported[0]}' is not supported (only ed25519).");
    }

    private static bool ParseBoolean(OstreeRemote remote, string key)
    {
        string? value = remote.Options.GetValueOrDefault(key)?.Trim();
        return value is not null && (IsTrue(value) || (IsFalse(value)
            ? false
            : throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Remote '{remote.Name}': {key}={value} is not a boolean.")));
    }

    private static bool IsTrue(string value) => value is "true" or "1" or "yes";

    private static bool IsFalse(string value) => value is "false" or "0" or "no";
}
