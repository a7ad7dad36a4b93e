using System.Text;
using AptOstree.Posix;

namespace AptOstree.Deb.Dpkg;

/// <summary>
/// Writes a dpkg administrative directory (<c>/var/lib/dpkg</c>) for packages unpacked without dpkg, the way
/// <c>dpkg --unpack</c> leaves it: <c>status</c> (stanzas sorted by name), <c>info/</c> with each package's files,
/// <c>info/format</c>, the trigger registry (<c>triggers/File</c>, one file per explicit trigger, <c>Lock</c>,
/// <c>Unincorp</c>) and an empty <c>updates/</c>. Every file is written to a temporary name and renamed.
/// </summary>
public static class DpkgDatabaseWriter
{
    /// <summary>The status file's text for <paramref name="records"/>: stanzas in dpkg's order (by name, then architecture).</summary>
    public static string FormatStatus(IEnumerable<DpkgUnpackRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var sb = new StringBuilder();
        foreach (var r in records.OrderBy(r => r.Package, StringComparer.Ordinal).ThenBy(r => r.Architecture, StringComparer.Ordinal))
        {
            sb.Append(r.StatusStanza);
        }

        return sb.ToString();
    }

    /// <summary>
    /// The trigger registry dpkg keeps under <c>triggers/</c>: file name (<c>File</c> or a trigger name) → text,
    /// registered in <paramref name="records"/>' order (the unpack order).
    /// </summary>
    public static IReadOnlyDictionary<string, string> FormatTriggerRegistry(IEnumerable<DpkgUnpackRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var files = new SortedDictionary<string, StringBuilder>(StringComparer.Ordinal)
        {
            ["Lock"] = new(),
            ["Unincorp"] = new(),
        };
        foreach (var r in records)
        {
            foreach (var interest in r.TriggerInterests)
            {
                string who = interest.Await ? r.InfoName : r.InfoName + "/noawait";
                if (interest.IsFileTrigger)
                {
                    Get(files, "File").Append(interest.Trigger).Append(' ').Append(who).Append('\n');
                }
                else
                {
                    Get(files, interest.Trigger).Append(who).Append('\n');
                }
            }
        }

        return files.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
    }

    /// <summary>Writes the whole administrative directory into <paramref name="adminDirectory"/> (created when missing).</summary>
    public static void Write(string adminDirectory, IReadOnlyList<DpkgUnpackRecord> records)
    {
        ArgumentNullException.ThrowIfNull(adminDirectory);
        ArgumentNullException.ThrowIfNull(records);
        string info = Path.Combine(adminDirectory, "info");
        string triggers = Path.Combine(adminDirectory, "triggers");
        Directory.CreateDirectory(info);
        Directory.CreateDirectory(triggers);
        Directory.CreateDirectory(Path.Combine(adminDirectory, "updates"));
        foreach (var r in records)
        {
            foreach (var f in r.InfoFiles)
            {
                AtomicFile.Write(Path.Combine(info, f.Name), f.Content.Span, f.Permissions, durable: false);
            }
        }

        AtomicFile.Write(Path.Combine(info, "format"), "1\n"u8, PosixPermissions.File, durable: false);
        foreach (var (name, text) in FormatTriggerRegistry(records))
        {
            AtomicFile.Write(Path.Combine(triggers, name), Encoding.UTF8.GetBytes(text), PosixPermissions.File, durable: false);
        }

        AtomicFile.Write(Path.Combine(adminDirectory, "status"), Encoding.UTF8.GetBytes(FormatStatus(records)), PosixPermissions.File, durable: true);
    }

    private static StringBuilder Get(SortedDictionary<string, StringBuilder> files, string name)
    {
        if (!files.TryGetValue(name, out var sb))
        {
            sb = new StringBuilder();
            files[name] = sb;
        }

        return sb;
    }
}
