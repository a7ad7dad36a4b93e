using System.Security.Cryptography;
using System.Text;
using AptOstree.Deb;
using AptOstree.Deb.Dpkg;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;
using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Compose;

/// <summary>
/// Imports each .deb once, ever, as its own commit on <see cref="PackageRefs"/>: its data entries go straight from the
/// archive into content objects (nothing is extracted), conffiles as <c>PATH.dpkg-new</c> and the dpkg database files
/// of <c>dpkg --unpack</c> under <c>usr/share/dpkg/database</c> (the status stanza in the commit metadata), and what it
/// ships under <c>/var</c> turned into tmpfiles.d lines. A later import of the same .deb (same SHA-256) reuses the commit.
/// </summary>
public sealed class PackageImporter
{
    /// <summary>Bumped whenever the layout of package commits changes, so stale imports are redone.</summary>
    public const string Format = "1";

    private readonly OstreeRepository _repository;
    private readonly ILogger _logger;

    /// <summary>Creates an importer writing into <paramref name="repository"/>.</summary>
    public PackageImporter(OstreeRepository repository, ILogger<PackageImporter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        _repository = repository;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The earlier import of this exact .deb, or null.</summary>
    public ImportedPackage? TryGetImported(string name, string version, string architecture, string sha256)
    {
        string refName = PackageRefs.For(name, version, architecture);
        if (_repository.Refs.TryResolve(refName) is not { } commit)
        {
            return null;
        }

        var c = _repository.ReadCommit(commit);
        return c.GetMetadata(ImportMetadata.PackageSha256)?.AsString() == sha256 && c.GetMetadata(ImportMetadata.ImportFormat)?.AsString() == Format
            ? new ImportedPackage(name, version, architecture, sha256, refName, commit, Reused: true)
            : null;
    }

    /// <summary>Imports <paramref name="debPath"/> unless the same .deb was imported before.</summary>
    /// <exception cref="AptOstreeException">The .deb is malformed (its own errors) or holds what cannot be imported.</exception>
    public ImportedPackage Import(string debPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(debPath);
        string sha256;
        using (var s = File.OpenRead(debPath))
        {
            sha256 = Convert.ToHexStringLower(SHA256.HashData(s));
        }

        using var deb = DebPackage.Open(debPath);
        var fields = deb.Control.Fields;
        string name = fields.GetRequiredValue("Package");
        string version = fields.GetRequiredValue("Version");
        string architecture = fields.GetValue("Architecture") ?? "all";
        if (TryGetImported(name, version, architecture, sha256) is { } existing)
        {
            return existing;
        }

        // One transaction per package, as libostree writes a commit: every object is staged, then made visible (one
        // syncfs when fsync is on) at Complete, and only then does the package's ref move to the commit.
        using var transaction = _repository.PrepareTransaction();
        var tree = new MutableTree();
        var conffiles = new HashSet<string>(deb.Control.Conffiles.Select(c => c.Path.TrimStart('/')), StringComparer.Ordinal);
        var names = new List<string>();
        var digests = new List<DebFileDigest>();
        var contentByPath = new Dictionary<string, (Checksum Checksum, string Md5)>(StringComparer.Ordinal);
        var tmpfiles = new List<string>();
        using (var data = deb.OpenData())
        {
            while (data.GetNextEntry() is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                names.Add(entry.Name);
                ImportEntry(transaction, tree, entry, data, conffiles, digests, contentByPath, tmpfiles, debPath);
            }
        }

        var record = DpkgUnpackRecord.Create(deb.Control, names, digests);
        var info = tree.EnsureDirectory(VarTmpfiles.DpkgDatabase + "/info");
        foreach (var f in record.InfoFiles)
        {
            info.SetFile(f.Name, WriteBytes(transaction, FileHeader.ForFile(0, 0, f.Permissions), f.Content.Span));
        }

        if (tmpfiles.Count > 0)
        {
            string text = string.Join('\n', tmpfiles) + "\n";
            tree.EnsureDirectory(VarTmpfiles.PackageFragments).SetFile(record.InfoName + ".conf", WriteBytes(transaction, FileHeader.ForFile(0, 0, PosixPermissions.File), Encoding.UTF8.GetBytes(text)));
        }

        string refName = PackageRefs.For(name, version, architecture);
        var metadata = new List<KeyValuePair<string, GVariantValue>>
        {
            new(ImportMetadata.PackageName, GVariantValue.FromString(name)),
            new(ImportMetadata.PackageVersion, GVariantValue.FromString(version)),
            new(ImportMetadata.PackageArchitecture, GVariantValue.FromString(architecture)),
            new(ImportMetadata.PackageSha256, GVariantValue.FromString(sha256)),
            new(ImportMetadata.ImportFormat, GVariantValue.FromString(Format)),
            new(ImportMetadata.DpkgInfoName, GVariantValue.FromString(record.InfoName)),
            new(ImportMetadata.DpkgStatus, GVariantValue.FromString(record.StatusStanza)),
            new(ImportMetadata.DpkgTriggers, GVariantValue.FromString(deb.Control.Triggers ?? string.Empty)),
            new(ImportMetadata.DpkgConffiles, GVariantValue.FromStrings(deb.Control.Conffiles.Select(c => c.Path))),
        };
        var commit = transaction.WriteCommit(tree, new CommitOptions
        {
            Branch = refName,
            Subject = $"{name} {version} {architecture}",
            Timestamp = DateTimeOffset.UnixEpoch,
            Metadata = metadata,
            NoBindings = true,
        }, cancellationToken);
        transaction.Complete(cancellationToken);
        ComposeLog.Imported(_logger, name, version, commit);
        return new ImportedPackage(name, version, architecture, sha256, refName, commit, Reused: false);
    }

    private static void ImportEntry(OstreeTransaction transaction, MutableTree tree, TarArchiveEntry entry, TarArchiveReader data, HashSet<string> conffiles, List<DebFileDigest> digests,
        Dictionary<string, (Checksum Checksum, string Md5)> contentByPath, List<string> tmpfiles, string debPath)
    {
        string path = entry.Path;
        uint uid = (uint)entry.Uid, gid = (uint)entry.Gid;
        var xattrs = entry.ExtendedAttributes.Select(x => new ExtendedAttribute(x.Key, x.Value.ToArray())).ToList();
        if (path.Length == 0)
        {
            if (entry.Type == TarArchiveEntryType.Directory)
            {
                tree.Meta = DirMeta.Create(uid, gid, entry.Permissions, xattrs);
            }

            return;
        }

        string stored = VarTmpfiles.RelocateDpkg(path);
        bool inVar = stored == "var" || stored.StartsWith("var/", StringComparison.Ordinal);
        if (conffiles.Contains(path))
        {
            stored += ".dpkg-new";
        }

        switch (entry.Type)
        {
            case TarArchiveEntryType.Directory:
                if (inVar)
                {
                    if (stored != "var")
                    {
                        tmpfiles.Add(VarTmpfiles.Directory(stored, entry.Permissions, uid, gid));
                    }

                    // The commit keeps an empty /var (the mount point), as the composed tree does.
                    tree.EnsureDirectory("var");
                    return;
                }

                tree.EnsureDirectory(stored).Meta = DirMeta.Create(uid, gid, entry.Permissions, xattrs);
                return;
            case TarArchiveEntryType.RegularFile:
            {
                using var hashing = new HashingReadStream(data.DataStream ?? Stream.Null, HashAlgorithmName.MD5);
                var checksum = transaction.WriteContent(FileHeader.ForFile(uid, gid, entry.Permissions, ExtendedAttribute.Canonicalize(xattrs)), hashing, entry.Size);
                string md5 = hashing.HexDigest();
                digests.Add(new DebFileDigest(md5, path));
                contentByPath[path] = (checksum, md5);
                Place(tree, inVar, stored, checksum, tmpfiles, isFile: true);
                return;
            }

            case TarArchiveEntryType.HardLink:
            {
                string target = TarPath.Normalize(entry.LinkTarget ?? string.Empty);
                if (!contentByPath.TryGetValue(target, out var linked))
                {
                    throw new AptOstreeException(ComposeErrorCodes.ImportFailed, $"{debPath}: hard link {path} points to {target}, which is not an earlier regular file of the archive.");
                }

                digests.Add(new DebFileDigest(linked.Md5, path));
                contentByPath[path] = linked;
                Place(tree, inVar, stored, linked.Checksum, tmpfiles, isFile: true);
                return;
            }

            case TarArchiveEntryType.SymbolicLink:
                if (inVar)
                {
                    tmpfiles.Add(VarTmpfiles.Symlink(stored, entry.LinkTarget ?? string.Empty));
                    tree.EnsureDirectory("var");
                    return;
                }

                Place(tree, false, stored, transaction.WriteContent(FileHeader.ForSymlink(uid, gid, entry.LinkTarget ?? string.Empty, ExtendedAttribute.Canonicalize(xattrs)), null, 0), tmpfiles, isFile: false);
                return;
            default:
                // OSTree holds only files, directories and symlinks (as libostree refuses devices); no Debian
                // package ships device nodes or FIFOs, so say so rather than import half a package.
                throw new AptOstreeException(ComposeErrorCodes.ImportFailed, $"{debPath}: {path} is a {entry.Type}, which an OSTree commit cannot hold.");
        }
    }

    private static void Place(MutableTree tree, bool inVar, string stored, Checksum checksum, List<string> tmpfiles, bool isFile)
    {
        if (inVar && isFile)
        {
            tmpfiles.Add(VarTmpfiles.Copy(stored));
            stored = VarTmpfiles.Factory + "/" + stored;
            tree.EnsureDirectory("var");
        }

        int slash = stored.LastIndexOf('/');
        var dir = slash < 0 ? tree : tree.EnsureDirectory(stored[..slash]);
        dir.SetFile(stored[(slash + 1)..], checksum);
    }

    private static Checksum WriteBytes(OstreeTransaction transaction, FileHeader header, ReadOnlySpan<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        return transaction.WriteContent(header, stream, bytes.Length);
    }
}
