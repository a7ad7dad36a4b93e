using System.Buffers.Binary;
using System.CommandLine;
using System.Globalization;
using System.Text;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree summary -u [--sign=KEY] [--gpg-sign=KEY-ID]` and `summary --view` (ostree's ot-dump.c layout).</summary>
internal static class OstreeSummaryCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var update = new Option<bool>("--update", "-u") { Description = "Update the summary." };
        var view = new Option<bool>("--view", "-v") { Description = "View the local summary file." };
        var sign = new Option<string[]>("--sign") { Description = "Key ID to sign the summary with (base64 ed25519 secret key).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var signType = new Option<string>("--sign-type") { Description = "Signature type to use (defaults to 'ed25519').", DefaultValueFactory = _ => "ed25519" };
        var gpgSign = new Option<string[]>("--gpg-sign") { Description = "GPG Key ID to sign the summary with (repeatable).", AllowMultipleArgumentsPerToken = false };
        var gpgKeys = new GpgKeyOptions();
        var command = new Command("summary", "Manage summary metadata.") { repo, update, view, sign, signType, gpgSign, gpgKeys.Homedir, gpgKeys.Keyring };
        command.SetAction(parseResult =>
        {
            var repository = repo.Open(parseResult);
            if (parseResult.GetValue(update))
            {
                if (parseResult.GetValue(signType) != "ed25519")
                {
                    throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "only --sign-type=ed25519 is supported");
                }

                var gpg = (parseResult.GetValue(gpgSign) ?? []).Select(id => gpgKeys.Load(parseResult, id)).ToArray();
                SummaryWriter.Update(repository, (parseResult.GetValue(sign) ?? []).Select(OstreeSignCommand.DecodeKey).ToArray());
                foreach (var key in gpg)
                {
                    GpgSummarySigner.Sign(repository, key);
                }

                return 0;
            }

            if (!parseResult.GetValue(view))
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "No option specified; use -u to update summary or --view to view it.");
            }

            Console.Write(Format(OstreeSummary.Read(repository)));
            return 0;
        });
        return command;
    }

    /// <summary>What <c>ostree summary --view</c> prints: each ref block, the collection map's refs, then the additional metadata.</summary>
    internal static string Format(OstreeSummary summary)
    {
        var sb = new StringBuilder();
        AppendRefs(sb, summary.CollectionId, summary.Refs);
        foreach (var collection in summary.Collections)
        {
            AppendRefs(sb, collection.CollectionId, collection.Refs);
        }

        foreach (var (key, value) in summary.Metadata)
        {
            (string? pretty, string text) = key switch
            {
                "ostree.static-deltas" => ("Static Deltas", Text(value)),
                "ostree.summary.last-modified" => ("Last-Modified", Iso8601(value)),
                "ostree.summary.expires" => ("Expires", Iso8601(value)),
                "ostree.summary.collection-id" => ("Collection ID", value.AsString() ?? value.ToString()),
                "ostree.summary.collection-map" => ("Collection Map", "printed above"),
                "ostree.summary.mode" => ("Repository Mode", value.AsString() is string mode && RepoModeIsValid(mode) ? mode : $"Invalid (‘{value.AsString()}’)"),
                "ostree.summary.tombstone-commits" => ("Has Tombstone Commits", value.Value is true ? "Yes" : "No"),
                _ => (null, Text(value)),
            };
            sb.Append(pretty is null ? $"{key}: " : $"{pretty} ({key}): ").Append(text).Append('\n');
        }

        return sb.ToString();
    }

    private static void AppendRefs(StringBuilder sb, string? collectionId, IReadOnlyList<OstreeSummaryRef> refs)
    {
        foreach (var entry in refs)
        {
            sb.Append(collectionId is null ? $"* {entry.Name}\n" : $"* ({collectionId}, {entry.Name})\n");
            sb.Append("    Latest Commit (").Append(FormatSize(entry.CommitSize)).Append("):\n");
            sb.Append("      ").Append(entry.Commit?.ToString() ?? $"Invalid checksum of length {entry.ChecksumBytes.Length}").Append('\n');
            foreach (var (key, value) in entry.Metadata)
            {
                sb.Append(key == "ostree.commit.timestamp"
                    ? $"    Timestamp (ostree.commit.timestamp): {Iso8601(value)}\n"
                    : $"    {key}: {Text(value)}\n");
            }

            sb.Append('\n');
        }
    }

    /// <summary><c>g_variant_print (value, FALSE)</c>; unlike its <c>--raw</c> dumps, ostree does not byte-swap these.</summary>
    private static string Text(GVariantValue value) => GVariantText.Print(value.Type, value.Value, annotate: false);

    private static bool RepoModeIsValid(string mode) => mode is "bare" or "archive" or "archive-z2" or "bare-user" or "bare-user-only" or "bare-split-xattrs";

    /// <summary>GLib 2.74's <c>g_date_time_format_iso8601</c> of the big-endian seconds in local time (offset as <c>%:::z</c>).</summary>
    private static string Iso8601(GVariantValue value)
    {
        if (value.Value is not ulong raw)
        {
            return value.ToString();
        }

        ulong seconds = BinaryPrimitives.ReverseEndianness(raw);
        if (seconds > 253402300799)
        {
            return "invalid";
        }

        var utc = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
        var local = TimeZoneInfo.ConvertTime(utc, TimeZoneInfo.Local);
        var offset = local.Offset;
        string zone = (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().Hours.ToString("00", CultureInfo.InvariantCulture)
            + (offset.Minutes != 0 ? ":" + Math.Abs(offset.Minutes).ToString("00", CultureInfo.InvariantCulture) : string.Empty);
        return local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + zone;
    }

    /// <summary>GLib's <c>g_format_size</c>: SI units, "1 byte", "999 bytes", "1.5 kB".</summary>
    private static string FormatSize(ulong size)
    {
        if (size < 1000)
        {
            return size == 1 ? "1 byte" : $"{size} bytes";
        }

        string[] units = ["kB", "MB", "GB", "TB", "PB", "EB"];
        double value = size;
        int unit = -1;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
