using System.Text;
using AptOstree.Posix;

namespace AptOstree.Deb.Dpkg;

/// <summary>
/// What <c>dpkg --unpack</c> records about one package in its database: the status stanza (state
/// <c>unpacked</c>, conffiles <c>newconffile</c>), the <c>info/</c> files (the file list, md5sums, conffiles and every
/// other control member byte for byte) and the trigger interests the package registers. Built from the package's
/// control archive and its data entries, without extracting anything.
/// </summary>
public sealed record DpkgUnpackRecord
{
    /// <summary>The package name.</summary>
    public required string Package { get; init; }

    /// <summary>The package architecture.</summary>
    public required string Architecture { get; init; }

    /// <summary>The name dpkg uses in <c>info/</c>: <c>NAME</c>, or <c>NAME:ARCH</c> for <c>Multi-Arch: same</c>.</summary>
    public required string InfoName { get; init; }

    /// <summary>The status stanza, ending with its blank separator line.</summary>
    public required string StatusStanza { get; init; }

    /// <summary>The files of <c>info/</c> for this package.</summary>
    public required IReadOnlyList<DpkgInfoFile> InfoFiles { get; init; }

    /// <summary>Trigger interests from the <c>triggers</c> control file: (trigger name or path, await).</summary>
    public required IReadOnlyList<DpkgTriggerInterest> TriggerInterests { get; init; }

    /// <summary>Creates the record.</summary>
    /// <param name="control">The package's control archive.</param>
    /// <param name="dataEntryNames">The data archive's entry names in archive order (<c>./</c>, <c>./usr/</c>, …).</param>
    /// <param name="computedDigests">MD5 of each regular file (path relative, as in md5sums), used when the package ships no md5sums.</param>
    public static DpkgUnpackRecord Create(DebControlArchive control, IEnumerable<string> dataEntryNames, IReadOnlyList<DebFileDigest> computedDigests)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(dataEntryNames);
        ArgumentNullException.ThrowIfNull(computedDigests);
        string package = control.Fields.GetRequiredValue("Package");
        string architecture = control.Fields.GetValue("Architecture") ?? "all";
        bool same = string.Equals(control.Fields.GetValue("Multi-Arch"), "same", StringComparison.Ordinal);
        string infoName = same ? $"{package}:{architecture}" : package;

        var files = new List<DpkgInfoFile>();
        var list = new StringBuilder();
        foreach (var name in dataEntryNames)
        {
            string path = TarPath.Normalize(name);
            list.Append(path.Length == 0 ? "/." : "/" + path).Append('\n');
        }

        files.Add(new DpkgInfoFile(infoName + ".list", PosixPermissions.File, Encoding.UTF8.GetBytes(list.ToString())));
        if (control.GetFile("md5sums") is null && computedDigests.Count > 0)
        {
            var md5 = new StringBuilder();
            foreach (var d in computedDigests)
            {
                md5.Append(d.Md5).Append("  ").Append(d.Path).Append('\n');
            }

            files.Add(new DpkgInfoFile(infoName + ".md5sums", PosixPermissions.File, Encoding.UTF8.GetBytes(md5.ToString())));
        }

        foreach (var member in control.Files)
        {
            if (member.Name != "control")
            {
                files.Add(new DpkgInfoFile($"{infoName}.{member.Name}", member.Permissions & 0xFFF, member.Content));
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new DpkgUnpackRecord
        {
            Package = package,
            Architecture = architecture,
            InfoName = infoName,
            StatusStanza = DpkgStatusStanza.Format(control.Fields, "install ok unpacked", DpkgStatusStanza.NewConffiles(control)),
            InfoFiles = files,
            TriggerInterests = DpkgTriggerInterest.Parse(control.Triggers),
        };
    }
}
