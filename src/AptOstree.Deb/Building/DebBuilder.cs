using System.Formats.Tar;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Deb;

/// <summary>
/// Builds a .deb the way deb-apt.md §1.6 recommends, so that <c>dpkg-deb</c> and <c>dpkg --unpack</c> accept it:
/// members <c>debian-binary</c> (<c>2.0\n</c>), <c>control.tar.*</c>, <c>data.tar.*</c>; GNU tar (a pax header
/// only in front of an entry with extended attributes) with <c>./</c> names; parents before children (missing
/// parents are added); entries sorted by name; mtimes clamped to <see cref="Timestamp"/>. Also generates <c>md5sums</c> unless one is supplied.
/// </summary>
public sealed class DebBuilder
{
    private readonly List<DebControlFile> _controlFiles = [];
    private readonly Dictionary<string, DebBuildEntry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _ignored = [];
    private ILogger _logger = NullLogger.Instance;

    /// <summary>Compression of the data member (default xz, like Debian).</summary>
    public DebCompression Compression { get; set; } = DebCompression.Xz;

    /// <summary>Compression of the control member; by default the data compression (gzip when that is bzip2/lzma).</summary>
    public DebCompression? ControlCompression { get; set; }

    /// <summary>Codec level, or the codec default.</summary>
    public int? CompressionLevel { get; set; }

    /// <summary>
    /// Build time: the ar member mtime, the mtime of entries without one, and the clamp for later mtimes.
    /// Defaults to <c>SOURCE_DATE_EPOCH</c> when set, else the current time.
    /// </summary>
    public DateTimeOffset Timestamp { get; set; } = DefaultTimestamp();

    /// <summary>Generate <c>md5sums</c> for regular files (except conffiles) when none was added. Default true.</summary>
    public bool GenerateMd5Sums { get; set; } = true;

    /// <summary>
    /// Accept entries with <see cref="DebBuildEntry.ExtendedAttributes"/> (written as pax headers). Default false,
    /// because <c>dpkg --unpack</c> rejects any pax header ("unsupported PAX tar header type 'x'"): such a package is
    /// readable by <c>dpkg-deb</c>, GNU tar and our extractor, but dpkg cannot install it.
    /// </summary>
    public bool AllowExtendedAttributes { get; set; }

    /// <summary>Files <see cref="FromDirectory"/> left out as GNU tar does (sockets: "socket ignored").</summary>
    public IReadOnlyList<string> IgnoredFiles => _ignored;

    /// <summary>
    /// The file name <c>dpkg-deb --build</c> gives the package when its output is a directory:
    /// <c>PACKAGE_VERSION_ARCH.deb</c>, the version without its epoch.
    /// </summary>
    public string DefaultFileName
    {
        get
        {
            var control = _controlFiles.FirstOrDefault(f => f.Name == "control")
                ?? throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, "The package has no control file; call SetControl or SetControlFields.", null);
            var fields = Deb822Paragraph.Parse(control.Text);
            string Field(string name) => fields.GetValue(name)?.Trim() is { Length: > 0 } value
                ? value
                : throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, $"The control file has no {name} field, which the package's file name needs.", null);
            var version = Field("Version");
            var colon = version.IndexOf(':', StringComparison.Ordinal);
            return $"{Field("Package")}_{(colon < 0 ? version : version[(colon + 1)..])}_{Field("Architecture")}.deb";
        }
    }

    /// <summary>The data entries added so far, by normalised path.</summary>
    public IReadOnlyCollection<DebBuildEntry> Entries => _entries.Values;

    /// <summary>
    /// Reads a package tree like <c>dpkg-deb --build</c>: <c>DEBIAN/</c> holds the control files, everything else is
    /// data with its on-disk modes, times, owners (or root:root with <paramref name="rootOwnerGroup"/>), symlinks,
    /// hard links, devices and FIFOs.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static DebBuilder FromDirectory(string directory, bool rootOwnerGroup = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var fs = LibcPosixFileSystem.Instance;
        var root = Path.GetFullPath(directory);
        var builder = new DebBuilder();
        var debian = Path.Combine(root, "DEBIAN");
        if (!Directory.Exists(debian))
        {
            throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, $"{root}: no DEBIAN directory with the control files.", null);
        }

        foreach (var name in fs.ListDirectory(debian).Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(debian, name);
            var st = fs.GetStatus(path);
            if (st.IsSymbolicLink && File.ResolveLinkTarget(path, returnFinalTarget: true) is FileInfo { Exists: true } target)
            {
                // dpkg-deb accepts a symlinked control file (and stores the link); the content is what a reader needs.
                st = fs.GetStatus(target.FullName);
            }

            if (st.IsRegularFile)
            {
                builder.AddControlFile(name, File.ReadAllBytes(path), st.Permissions);
            }
        }

        var inodes = new Dictionary<(ulong, ulong), string>();
        builder.AddTree(fs, root, string.Empty, rootOwnerGroup, inodes);
        return builder;
    }

    /// <summary>Sets the <c>control</c> file text (a trailing newline is added if missing).</summary>
    public DebBuilder SetControl(string controlText)
    {
        ArgumentNullException.ThrowIfNull(controlText);
        if (!controlText.EndsWith('\n'))
        {
            controlText += "\n";
        }

        return AddControlFile("control", Encoding.UTF8.GetBytes(controlText));
    }

    /// <summary>Sets the <c>control</c> file from fields in order (multi-line values are folded with a leading space).</summary>
    public DebBuilder SetControlFields(IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var sb = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            var lines = value.Split('\n');
            sb.Append(name).Append(": ").Append(lines[0]).Append('\n');
            foreach (var line in lines.Skip(1))
            {
                sb.Append(' ').Append(line.Length == 0 ? "." : line).Append('\n');
            }
        }

        return SetControl(sb.ToString());
    }

    /// <summary>Adds (or replaces) a file of the control archive.</summary>
    public DebBuilder AddControlFile(string name, ReadOnlyMemory<byte> content, uint permissions = PosixPermissions.File)
    {
        name = TarPath.Normalize(name);
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Control file name '{name}' must be a plain file name.", nameof(name));
        }

        _controlFiles.RemoveAll(f => f.Name == name);
        _controlFiles.Add(new DebControlFile(name, permissions, content));
        return this;
    }

    /// <summary>Adds a maintainer script (<c>preinst</c>, <c>postinst</c>, <c>prerm</c>, <c>postrm</c>, <c>config</c>) with mode 0755.</summary>
    public DebBuilder AddMaintainerScript(string name, string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        if (!DebControlArchive.MaintainerScriptNames.Contains(name))
        {
            throw new ArgumentException($"'{name}' is not a maintainer script name.", nameof(name));
        }

        return AddControlFile(name, Encoding.UTF8.GetBytes(script), PosixPermissions.Executable);
    }

    /// <summary>Adds a directory.</summary>
    public DebBuilder AddDirectory(string path, uint permissions = PosixPermissions.Directory) =>
        AddEntry(new DebBuildEntry { Path = path, Type = TarArchiveEntryType.Directory, Permissions = permissions });

    /// <summary>Adds a regular file with in-memory content.</summary>
    public DebBuilder AddFile(string path, ReadOnlyMemory<byte> content, uint permissions = PosixPermissions.File) =>
        AddEntry(new DebBuildEntry { Path = path, Type = TarArchiveEntryType.RegularFile, Permissions = permissions, Content = content });

    /// <summary>Adds a regular file with text content (UTF-8).</summary>
    public DebBuilder AddFile(string path, string text, uint permissions = PosixPermissions.File) => AddFile(path, Encoding.UTF8.GetBytes(text), permissions);

    /// <summary>Adds a symbolic link.</summary>
    public DebBuilder AddSymbolicLink(string path, string target) =>
        AddEntry(new DebBuildEntry { Path = path, Type = TarArchiveEntryType.SymbolicLink, Permissions = PosixPermissions.All, LinkTarget = target });

    /// <summary>Adds a hard link to another regular file or symlink of the package.</summary>
    public DebBuilder AddHardLink(string path, string targetPath) =>
        AddEntry(new DebBuildEntry { Path = path, Type = TarArchiveEntryType.HardLink, LinkTarget = targetPath });

    /// <summary>Adds (or replaces) an entry.</summary>
    public DebBuilder AddEntry(DebBuildEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var path = TarPath.Normalize(entry.Path);
        if (!TarPath.IsSafe(path))
        {
            throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, $"Entry path '{entry.Path}' has a '..' component.", null);
        }

        if (path.Length == 0 && entry.Type != TarArchiveEntryType.Directory)
        {
            throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, "Only a directory can be the root entry.", null);
        }

        if (entry.ExtendedAttributes.Count > 0 && !AllowExtendedAttributes)
        {
            throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, $"Entry '{entry.Path}' has extended attributes; dpkg --unpack rejects the pax header that carries them, so set {nameof(AllowExtendedAttributes)} only for packages read by tar-based tools.", null);
        }

        if (entry.ExtendedAttributes.Keys.FirstOrDefault(n => n.Length == 0 || n.Contains('\0', StringComparison.Ordinal)) is { } badName)
        {
            throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, $"Entry '{entry.Path}' has an extended attribute named '{badName}', which is empty or contains NUL.", null);
        }

        // System.Formats.Tar (and so our own reader) rejects a GNU long-name header after a pax header, and the
        // long name cannot go into the pax header without dropping the GNU one, which dpkg may need.
        if (entry.ExtendedAttributes.Count > 0 && (Encoding.UTF8.GetByteCount(TarName(path, entry.Type)) > 100 || Encoding.UTF8.GetByteCount(entry.LinkTarget ?? "") > 98))
        {
            throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, $"Entry '{entry.Path}' has extended attributes and a name or link target longer than 100 bytes; that combination is not supported.", null);
        }

        if (entry.Type is TarArchiveEntryType.SymbolicLink or TarArchiveEntryType.HardLink && string.IsNullOrEmpty(entry.LinkTarget))
        {
            throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, $"Link entry '{entry.Path}' needs a target.", null);
        }

        _entries[path] = entry with { Path = path };
        return this;
    }

    /// <summary>Uses <paramref name="logger"/> for build messages.</summary>
    public DebBuilder WithLogger(ILogger logger)
    {
        this._logger = logger ?? NullLogger.Instance;
        return this;
    }

    /// <summary>Writes the package to <paramref name="path"/> atomically (temporary sibling, fsync, rename).</summary>
    public void Build(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var temp = AtomicFile.TemporarySibling(full);
        try
        {
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Build(output, cancellationToken);
                output.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        var codec = DebCompressionNames.GetName(Compression);
        DebLog.Built(_logger, full, _entries.Count, codec);
    }

    /// <summary>Writes the package to a stream.</summary>
    public void Build(Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!_controlFiles.Any(f => f.Name == "control"))
        {
            throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, "The package has no control file; call SetControl or SetControlFields.", null);
        }

        var dataEntries = Plan();
        var controlCompression = ControlCompression ?? (Compression is DebCompression.Bzip2 or DebCompression.Lzma ? DebCompression.Gzip : Compression);
        var time = Timestamp.ToUnixTimeSeconds();

        var controlTar = new MemoryStream();
        using (var compressed = DebCompressor.Open(controlTar, controlCompression, CompressionLevel, leaveOpen: true))
        {
            WriteControlTar(compressed, dataEntries);
        }

        using var ar = new ArWriter(output, leaveOpen: true);
        ar.WriteMember("debian-binary", "2.0\n"u8, time);
        controlTar.Position = 0;
        ar.WriteMember("control.tar" + DebCompressionNames.GetSuffix(controlCompression), controlTar, controlTar.Length, time);

        // The data member's size goes in its header, so compress to a temporary file first (bounded memory).
        var dataTemp = Path.Combine(Path.GetTempPath(), $"aptostree-data-{Guid.NewGuid():N}.tar");
        try
        {
            using var data = new FileStream(dataTemp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            using (var compressed = DebCompressor.Open(data, Compression, CompressionLevel, leaveOpen: true))
            {
                WriteDataTar(compressed, dataEntries, cancellationToken);
            }

            data.Position = 0;
            ar.WriteMember("data.tar" + DebCompressionNames.GetSuffix(Compression), data, data.Length, time);
        }
        finally
        {
            File.Delete(dataTemp);
        }
    }

    private static DateTimeOffset DefaultTimestamp()
    {
        var epoch = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        return long.TryParse(epoch, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    private static string TarName(string path, TarArchiveEntryType type) =>
        path.Length == 0 ? "./" : type == TarArchiveEntryType.Directory ? "./" + path + "/" : "./" + path;

    private void AddTree(IPosixFileSystem fs, string root, string relative, bool rootOwnerGroup, Dictionary<(ulong, ulong), string> inodes)
    {
        var full = relative.Length == 0 ? root : Path.Combine(root, relative);
        var st = fs.GetStatus(full);
        var kind = st.FileType switch
        {
            PosixFileType.Directory => (TarArchiveEntryType?)TarArchiveEntryType.Directory,
            PosixFileType.RegularFile => TarArchiveEntryType.RegularFile,
            PosixFileType.SymbolicLink => TarArchiveEntryType.SymbolicLink,
            PosixFileType.CharacterDevice => TarArchiveEntryType.CharacterDevice,
            PosixFileType.BlockDevice => TarArchiveEntryType.BlockDevice,
            PosixFileType.Fifo => TarArchiveEntryType.Fifo,
            PosixFileType.Socket => (TarArchiveEntryType?)null,
            _ => throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, $"{full}: {st.FileType} files cannot go into a package.", null),
        };
        if (kind is not { } type)
        {
            // As GNU tar (and so dpkg-deb) does: "socket ignored".
            _ignored.Add(full);
            return;
        }

        string? linkTarget = null;
        if (type is TarArchiveEntryType.RegularFile or TarArchiveEntryType.SymbolicLink && st.LinkCount > 1
            && inodes.TryGetValue((st.Device, st.Inode), out var first))
        {
            // As GNU tar (and so dpkg-deb): a second name of a file or of a symlink is stored as a hard link.
            type = TarArchiveEntryType.HardLink;
            linkTarget = first;
        }
        else if (type == TarArchiveEntryType.RegularFile && st.LinkCount > 1)
        {
            inodes[(st.Device, st.Inode)] = relative;
        }
        else if (type == TarArchiveEntryType.SymbolicLink)
        {
            if (st.LinkCount > 1)
            {
                inodes[(st.Device, st.Inode)] = relative;
            }

            linkTarget = fs.ReadSymbolicLink(full);
        }

        AddEntry(new DebBuildEntry
        {
            Path = relative,
            Type = type,
            Permissions = st.Permissions,
            Uid = rootOwnerGroup ? 0 : (int)st.Uid,
            Gid = rootOwnerGroup ? 0 : (int)st.Gid,
            UserName = rootOwnerGroup ? "root" : HostAccounts.Instance.UserName((int)st.Uid) ?? string.Empty,
            GroupName = rootOwnerGroup ? "root" : HostAccounts.Instance.GroupName((int)st.Gid) ?? string.Empty,
            ModificationTime = DateTimeOffset.FromUnixTimeSeconds(st.ModificationTimeSeconds),
            LinkTarget = linkTarget,
            DeviceMajor = (int)PosixDevice.Major(st.RDevice),
            DeviceMinor = (int)PosixDevice.Minor(st.RDevice),
            SourcePath = type == TarArchiveEntryType.RegularFile ? full : null,
        });

        if (type == TarArchiveEntryType.Directory)
        {
            foreach (var name in fs.ListDirectory(full).Order(StringComparer.Ordinal))
            {
                if (relative.Length == 0 && name == "DEBIAN")
                {
                    continue;
                }

                AddTree(fs, root, relative.Length == 0 ? name : relative + "/" + name, rootOwnerGroup, inodes);
            }
        }
    }

    /// <summary>Adds missing parents, puts the members in dpkg-deb's order and makes the first name of each hard-link group carry the content.</summary>
    private List<DebBuildEntry> Plan()
    {
        var all = new Dictionary<string, DebBuildEntry>(_entries, StringComparer.Ordinal);
        foreach (var path in _entries.Keys)
        {
            var parent = TarPath.GetParent(path);
            while (true)
            {
                if (!all.TryGetValue(parent, out var existing))
                {
                    all[parent] = new DebBuildEntry { Path = parent, Type = TarArchiveEntryType.Directory, Permissions = PosixPermissions.Directory };
                }
                else if (existing.Type != TarArchiveEntryType.Directory)
                {
                    throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, $"'{path}' is below '{parent}', which is not a directory.", null);
                }

                if (parent.Length == 0)
                {
                    break;
                }

                parent = TarPath.GetParent(parent);
            }
        }

        // Each hard link names the regular file or symlink whose content it shares.
        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var link in all.Values.Where(e => e.Type == TarArchiveEntryType.HardLink).ToList())
        {
            var target = TarPath.Normalize(link.LinkTarget!);
            if (!all.TryGetValue(target, out var targetEntry) || targetEntry.Type is not (TarArchiveEntryType.RegularFile or TarArchiveEntryType.SymbolicLink))
            {
                throw new AptOstreeException(DebErrorCodes.InvalidBuildInput, $"Hard link '{link.Path}' points at '{link.LinkTarget}', which is not a regular file or symlink of the package.", null);
            }

            if (!groups.TryGetValue(target, out var members))
            {
                groups[target] = members = [target];
            }

            members.Add(link.Path);
        }

        var order = DpkgDebOrder(all, groups);
        var rank = new Dictionary<string, int>(order.Count, StringComparer.Ordinal);
        for (int i = 0; i < order.Count; i++)
        {
            rank[order[i]] = i;
        }

        foreach (var (target, members) in groups)
        {
            // As GNU tar given dpkg-deb's list: the first name in the archive carries the content, the others link to it.
            var content = all[target];
            var link = all[members.First(m => m != target)];
            string first = members.MinBy(m => rank[m])!;
            foreach (var member in members)
            {
                all[member] = member == first
                    ? content with { Path = first }
                    : (member == target ? link : all[member]) with { Path = member, Type = TarArchiveEntryType.HardLink, LinkTarget = first, Content = ReadOnlyMemory<byte>.Empty, SourcePath = null };
            }
        }

        return order.Select(path => all[path]).ToList();
    }

    /// <summary>
    /// dpkg-deb's member order: a depth-first walk of the tree, directories before their contents and the names in a
    /// directory in byte order, with every symlink (and every hard link to one) moved after all other members, in walk
    /// order, so that a symlink never comes before its target.
    /// </summary>
    private static List<string> DpkgDebOrder(Dictionary<string, DebBuildEntry> all, Dictionary<string, List<string>> groups)
    {
        var symlinkNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (target, members) in groups)
        {
            if (all[target].Type == TarArchiveEntryType.SymbolicLink)
            {
                symlinkNames.UnionWith(members);
            }
        }

        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var path in all.Keys.Where(p => p.Length > 0))
        {
            string parent = TarPath.GetParent(path);
            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(path);
        }

        var walk = new List<string>(all.Count);
        var symlinks = new List<string>();
        var pending = new Stack<string>();
        if (all.Count > 0)
        {
            pending.Push(string.Empty);
        }

        while (pending.TryPop(out var path))
        {
            if (all[path].Type == TarArchiveEntryType.SymbolicLink || symlinkNames.Contains(path))
            {
                symlinks.Add(path);
            }
            else
            {
                walk.Add(path);
            }

            if (children.TryGetValue(path, out var list))
            {
                list.Sort(static (a, b) => CompareNameBytes(a, b));
                for (int i = list.Count - 1; i >= 0; i--)
                {
                    pending.Push(list[i]);
                }
            }
        }

        walk.AddRange(symlinks);
        return walk;
    }

    /// <summary>Siblings in the byte order of their UTF-8 names, as dpkg's tree walk sorts them (strcmp).</summary>
    private static int CompareNameBytes(string a, string b) =>
        Encoding.UTF8.GetBytes(a[(a.LastIndexOf('/') + 1)..]).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b[(b.LastIndexOf('/') + 1)..]));

    private void WriteControlTar(Stream output, List<DebBuildEntry> dataEntries)
    {
        var files = _controlFiles.ToList();
        if (GenerateMd5Sums && !files.Any(f => f.Name == "md5sums"))
        {
            files.Add(new DebControlFile("md5sums", PosixPermissions.File, Md5Sums(dataEntries, files)));
        }

        var time = Timestamp;
        using var tar = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        tar.WriteEntry(NewEntry(TarEntryType.Directory, "./", PosixPermissions.Directory, time, "root", "root", 0, 0));
        foreach (var f in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var e = NewEntry(TarEntryType.RegularFile, "./" + f.Name, f.Permissions, time, "root", "root", 0, 0);
            e.DataStream = new MemoryStream(f.Content.ToArray());
            tar.WriteEntry(e);
        }
    }

    private static byte[] Md5Sums(List<DebBuildEntry> dataEntries, List<DebControlFile> files)
    {
        var conffiles = new HashSet<string>(
            (files.FirstOrDefault(f => f.Name == "conffiles")?.Text ?? string.Empty).Split('\n').Select(l => l.Trim().TrimStart('/')),
            StringComparer.Ordinal);
        var byPath = dataEntries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (var e in dataEntries)
        {
            var source = e.Type == TarArchiveEntryType.HardLink ? byPath[e.LinkTarget!] : e;
            if (source.Type != TarArchiveEntryType.RegularFile || conffiles.Contains(e.Path))
            {
                continue;
            }

            byte[] hash;
#pragma warning disable CA5351 // md5sums is a dpkg format: its digests are MD5 by definition.
            if (source.SourcePath is not null)
            {
                using var s = File.OpenRead(source.SourcePath);
                hash = MD5.HashData(s);
            }
            else
            {
                hash = MD5.HashData(source.Content.Span);
            }
#pragma warning restore CA5351

            sb.Append(Convert.ToHexStringLower(hash)).Append("  ").Append(e.Path).Append('\n');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private void WriteDataTar(Stream output, List<DebBuildEntry> dataEntries, CancellationToken cancellationToken)
    {
        using var tar = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        foreach (var e in dataEntries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var mtime = e.ModificationTime is { } m && m < Timestamp ? m : Timestamp;
            var type = e.Type switch
            {
                TarArchiveEntryType.RegularFile => TarEntryType.RegularFile,
                TarArchiveEntryType.HardLink => TarEntryType.HardLink,
                TarArchiveEntryType.SymbolicLink => TarEntryType.SymbolicLink,
                TarArchiveEntryType.CharacterDevice => TarEntryType.CharacterDevice,
                TarArchiveEntryType.BlockDevice => TarEntryType.BlockDevice,
                TarArchiveEntryType.Directory => TarEntryType.Directory,
                _ => TarEntryType.Fifo,
            };
            var entry = NewEntry(type, TarName(e.Path, e.Type), e.Permissions, mtime, e.UserName, e.GroupName, e.Uid, e.Gid);
            if (e.Type == TarArchiveEntryType.HardLink)
            {
                entry.LinkName = "./" + e.LinkTarget;
            }
            else if (e.Type == TarArchiveEntryType.SymbolicLink)
            {
                entry.LinkName = e.LinkTarget!;
            }
            else if (e.Type is TarArchiveEntryType.CharacterDevice or TarArchiveEntryType.BlockDevice)
            {
                entry.DeviceMajor = e.DeviceMajor;
                entry.DeviceMinor = e.DeviceMinor;
            }

            if (e.ExtendedAttributes.Count > 0)
            {
                // TarWriter writes straight to the stream, so the raw header lands right before the entry's own.
                PaxExtendedHeader.Write(output, entry.Name, mtime, PaxXattrRecordWriter.Build(e.ExtendedAttributes));
            }

            if (e.Type == TarArchiveEntryType.RegularFile)
            {
                using Stream content = e.SourcePath is not null ? File.OpenRead(e.SourcePath) : new MemoryStream(e.Content.ToArray(), writable: false);
                entry.DataStream = content;
                tar.WriteEntry(entry);
            }
            else
            {
                tar.WriteEntry(entry);
            }
        }
    }

    private static GnuTarEntry NewEntry(TarEntryType type, string name, uint permissions, DateTimeOffset mtime, string user, string group, int uid, int gid) =>
        new(type, name)
        {
            Mode = (UnixFileMode)(permissions & 0xFFF),
            ModificationTime = mtime,
            AccessTime = default,
            ChangeTime = default,
            UserName = user,
            GroupName = group,
            Uid = uid,
            Gid = gid,
        };
}
