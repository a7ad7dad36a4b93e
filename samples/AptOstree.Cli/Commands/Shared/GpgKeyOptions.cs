using System.CommandLine;
using System.Diagnostics;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>
/// Where <c>gpg-sign</c>, <c>commit --gpg-sign</c> and <c>summary --gpg-sign</c> find a secret key. gpg ≥ 2.1 keeps
/// secret keys in <c>private-keys-v1.d</c>, which we do not read: the key is exported with the real
/// <c>gpg --export-secret-keys</c> (from <c>--gpg-homedir</c>, else gpg's default home), or read from <c>--keyring</c>,
/// a file such an export wrote (then gpg is not needed). Keys must have no passphrase.
/// </summary>
internal sealed class GpgKeyOptions
{
    public Option<string?> Homedir { get; } = new("--gpg-homedir") { Description = "GPG Homedir to use when looking for keyrings." };

    public Option<string?> Keyring { get; } = new("--keyring") { Description = "Read secret keys from this exported keyring (gpg --export-secret-keys) instead of gpg." };

    /// <summary>The secret key named <paramref name="keyId"/>, from <c>--keyring</c> when given, else from gpg.</summary>
    public GpgSigningKey Load(ParseResult parseResult, string keyId) =>
        parseResult.GetValue(Keyring) is string file
            ? GpgSigningKey.LoadFile(file, keyId)
            : ExportFromGpg(parseResult.GetValue(Homedir), keyId);

    private static GpgSigningKey ExportFromGpg(string? homedir, string keyId)
    {
        var psi = new ProcessStartInfo("gpg")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (homedir is not null)
        {
            psi.ArgumentList.Add("--homedir");
            psi.ArgumentList.Add(homedir);
        }

        foreach (string arg in new[] { "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--export-secret-keys", keyId })
        {
            psi.ArgumentList.Add(arg);
        }

        using var exported = new MemoryStream();
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new AptOstreeException(OstreeErrorCodes.InvalidKey, "gpg could not be started.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidKey, "gpg is not installed; export the key with gpg --export-secret-keys and pass --keyring=FILE.", ex);
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(exported);
            process.WaitForExit();
            if (process.ExitCode != 0 || exported.Length == 0)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidKey, $"gpg --export-secret-keys {keyId} failed (no such secret key{(homedir is null ? string.Empty : " in " + homedir)}?): {errors.Result.Trim()}");
            }
        }

        exported.Position = 0;
        return GpgSigningKey.Load(exported, keyId, null, "gpg --export-secret-keys " + keyId);
    }
}
