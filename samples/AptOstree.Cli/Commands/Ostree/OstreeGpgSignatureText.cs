using System.Globalization;
using System.Text;
using AptOstree.OpenPgp;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>
/// The "Found N signatures" block <c>ostree show</c> prints after a signed commit: each signature checked against
/// <see cref="RemoteStore.AllTrustedGpgKeys"/> with <c>--gpg-homedir</c>, described as libostree's
/// <c>ostree_gpg_verify_result_describe</c> does.
/// </summary>
internal static class OstreeGpgSignatureText
{
    public static string Describe(OstreeRepository repository, Checksum commit, string? homedir)
    {
        var checks = GpgCommitSigner.Check(repository, commit, repository.Remotes.AllTrustedGpgKeys(homedir));
        if (checks.Count == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Found {checks.Count} signature{(checks.Count == 1 ? string.Empty : "s")}:\n");
        foreach (var check in checks)
        {
            sb.Append('\n');
            Append(sb, check, "  ");
        }

        return sb.ToString();
    }

    private static void Append(StringBuilder sb, OpenPgpSignatureCheck check, string prefix)
    {
        sb.Append(prefix).Append(CultureInfo.InvariantCulture, $"Signature made {Format(check.Created)} using {check.PublicKeyAlgorithm} key ID {check.KeyId}\n");
        sb.Append(prefix).Append(
            check.KeyMissing ? "Can't check signature: public key not found"
            : check.Valid ? $"Good signature from \"{check.UserName} <{check.UserEmail}>\""
            : check.KeyRevoked ? "Key revoked"
            : check.SignatureExpired ? $"Expired signature from \"{check.UserName} <{check.UserEmail}>\""
            : $"BAD signature from \"{check.UserName} <{check.UserEmail}>\"").Append('\n');
        bool subkey = !check.KeyMissing && check.Fingerprint != check.PrimaryFingerprint;
        if (subkey)
        {
            sb.Append(prefix).Append("Primary key ID ").Append(check.PrimaryFingerprint[^16..]).Append('\n');
        }

        AppendExpiry(sb, prefix, "Signature", check.SignatureExpires, check.SignatureExpired);
        AppendExpiry(sb, prefix, "Key", check.KeyExpires, check.KeyExpired);
        if (subkey)
        {
            AppendExpiry(sb, prefix, "Primary key", check.PrimaryKeyExpires, check.KeyExpired);
        }
    }

    private static void AppendExpiry(StringBuilder sb, string prefix, string what, DateTimeOffset? when, bool expired)
    {
        if (when is DateTimeOffset at)
        {
            sb.Append(prefix).Append(CultureInfo.InvariantCulture, $"{what} {(expired ? "expired" : "expires")} {Format(at)}\n");
        }
    }

    /// <summary>
    /// GLib's <c>g_date_time_format (time, "%c")</c> in the C locale (<c>%a %b %e %H:%M:%S %Y</c>), in local time.
    /// GLib pads <c>%e</c> with U+2007 FIGURE SPACE, not the ASCII space strftime uses.
    /// </summary>
    internal static string Format(DateTimeOffset time)
    {
        var local = time.ToLocalTime();
        string day = local.Day < 10 ? "\u2007" + local.Day.ToString(CultureInfo.InvariantCulture) : local.Day.ToString(CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{local:ddd MMM} {day} {local:HH:mm:ss yyyy}");
    }
}
