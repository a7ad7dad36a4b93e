using System.Security.Cryptography;
using System.Text;
using AptOstree.Deb;
using AptOstree.Deb.Apt;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;
using AptOstree.OSTree.Sysroot;
using Microsoft.Extensions.Logging;

namespace AptOstree.Compose.Layering;

public sealed partial class PackageLayering
{
    private static readonly string[] MergedUsrDirectories = ["bin", "sbin", "lib", "lib32", "lib64", "libx32", "libo32"];

    /// <summary>
    /// <c>install PKG… | ./FILE.deb…</c>: adds the request to the booted (or default) deployment's origin and deploys
    /// base + layered packages as the new default (or staged). A name the base already has is recorded as an inactive
    /// request. Nothing is deployed, and the sysroot is unchanged, when any step fails.
    /// </summary>
    /// <param name="packages">Package names, or paths of local .deb files (anything ending in <c>.deb</c> or naming an existing file).</param>
    /// <param name="options">Dry run and staging.</param>
    /// <param name="cancellationToken">Cancels before the deployment is written.</param>
    /// <exception cref="AptOstreeException">A package that does not exist (<see cref="LayeringErrorCodes.PackageNotFound"/>), one the base has or
    /// whose files collide with it (<see cref="LayeringErrorCodes.ConflictsWithBase"/>), one with maintainer scripts
    /// (<see cref="LayeringErrorCodes.ScriptsNotSupported"/>).</exception>
    public Task<LayeringResult> InstallAsync(IReadOnlyList<string> packages, LayeringOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(packages);
        var merge = MergeDeployment();
        var names = LayeredOrigin.RequestedPackages(merge.Origin).ToList();
        var local = LayeredOrigin.RequestedLocalPackages(merge.Origin).ToList();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in packages)
        {
            if (p.EndsWith(".deb", StringComparison.Ordinal) || File.Exists(p))
            {
                var request = ReadLocal(p);
                local.RemoveAll(l => l.Name == request.Name);
                local.Add(request);
                files[request.Sha256] = p;
            }
            else if (!names.Contains(p, StringComparer.Ordinal))
            {
                names.Add(p);
            }
        }

        return ApplyAsync(merge, names, local, files, options ?? new LayeringOptions(), newBase: null, cancellationToken);
    }

    /// <summary><c>uninstall PKG…</c> (or <paramref name="all"/>): drops names from the request and deploys the base plus what stays layered.</summary>
    /// <exception cref="AptOstreeException">A name that is not requested (<see cref="LayeringErrorCodes.NotLayered"/>).</exception>
    public Task<LayeringResult> UninstallAsync(IReadOnlyList<string> packages, bool all = false, LayeringOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(packages);
        var merge = MergeDeployment();
        var names = LayeredOrigin.RequestedPackages(merge.Origin).ToList();
        var local = LayeredOrigin.RequestedLocalPackages(merge.Origin).ToList();
        if (all)
        {
            names.Clear();
            local.Clear();
        }

        foreach (var p in packages)
        {
            if (names.Remove(p) | local.RemoveAll(l => l.Name == p) > 0)
            {
                continue;
            }

            throw new AptOstreeException(LayeringErrorCodes.NotLayered, $"Package '{p}' is not layered on deployment {merge.Name} (requested: {string.Join(", ", names.Concat(local.Select(l => l.Name)).DefaultIfEmpty("nothing"))}).");
        }

        return ApplyAsync(merge, names, local, new Dictionary<string, string>(StringComparer.Ordinal), options ?? new LayeringOptions(), newBase: null, cancellationToken);
    }

    /// <summary><c>reset</c>: deploys the base commit itself with an origin that requests nothing.</summary>
    public Task<LayeringResult> ResetAsync(LayeringOptions? options = null, CancellationToken cancellationToken = default) =>
        UninstallAsync([], all: true, options, cancellationToken);

    /// <summary><c>rollback</c>: makes the previous deployment the default again.</summary>
    /// <exception cref="AptOstreeException">There is no other deployment (<see cref="LayeringErrorCodes.NoRollbackDeployment"/>).</exception>
    public Deployment Rollback(CancellationToken cancellationToken = default)
    {
        var deployments = Sysroot.GetDeployments();
        if (deployments.Count(d => !d.IsStaged) < 2)
        {
            throw new AptOstreeException(LayeringErrorCodes.NoRollbackDeployment, $"'{Sysroot.Path}' has no deployment to roll back to.");
        }

        return Sysroot.Rollback(cancellationToken);
    }

    private Deployment MergeDeployment()
    {
        var deployments = Sysroot.GetDeployments();
        return deployments.FirstOrDefault(d => d.IsBooted) ?? deployments.FirstOrDefault(d => !d.IsStaged)
            ?? throw new AptOstreeException(LayeringErrorCodes.NoDeployments, $"'{Sysroot.Path}' has no deployment to layer onto.");
    }

    private static LocalPackageRequest ReadLocal(string path)
    {
        if (!File.Exists(path))
        {
            throw new AptOstreeException(LayeringErrorCodes.PackageNotFound, $"Local package '{path}' does not exist.");
        }

        string sha256;
        using (var s = File.OpenRead(path))
        {
            sha256 = Convert.ToHexStringLower(SHA256.HashData(s));
        }

        using var deb = DebPackage.Open(path);
        var fields = deb.Control.Fields;
        return new LocalPackageRequest(sha256, fields.GetRequiredValue("Package"), fields.GetRequiredValue("Version"), fields.GetValue("Architecture") ?? "all");
    }

    private async Task<LayeringResult> ApplyAsync(Deployment merge, List<string> names, List<LocalPackageRequest> local, Dictionary<string, string> files, LayeringOptions options,
        Checksum? newBase, CancellationToken cancellationToken)
    {
        var mergeCommit = Repository.ReadCommit(Checksum.Parse(merge.Commit));
        var current = LayerOf(mergeCommit);
        var baseChecksum = newBase ?? current.Base ?? Checksum.Parse(merge.Commit);
        var baseCommit = Repository.ReadCommit(baseChecksum);
        var installed = CommitPackageDatabase.ReadInstalled(Repository, baseChecksum);
        var baseNames = installed.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var l in local.Where(l => baseNames.Contains(l.Name)))
        {
            throw new AptOstreeException(LayeringErrorCodes.ConflictsWithBase, $"Package '{l.Name}' ({l.Nevra}) is already in the base commit {baseChecksum}; layering may not replace a base package.");
        }

        var active = names.Where(n => !baseNames.Contains(n)).ToList();
        var importer = new PackageImporter(Repository, _loggerFactory.CreateLogger<PackageImporter>());
        var candidates = new List<LayeringResolver.LocalCandidate>();
        var localImports = new Dictionary<string, ImportedPackage?>(StringComparer.Ordinal);
        foreach (var l in local.OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var package = importer.TryGetImported(l.Name, l.Version, l.Architecture, l.Sha256);
            Deb822Paragraph control;
            if (package is null && files.TryGetValue(l.Sha256, out var path))
            {
                using (var deb = DebPackage.Open(path))
                {
                    control = deb.Control.Fields;
                }

                package = options.DryRun ? null : importer.Import(path, cancellationToken);
            }
            else if (package is null)
            {
                throw new AptOstreeException(LayeringErrorCodes.PackageNotFound, $"Local package {l.Nevra} (SHA-256 {l.Sha256}) is no longer in the repository's package cache; install its .deb file again.");
            }
            else
            {
                control = Deb822Paragraph.Parse(Repository.ReadCommit(package.Commit).GetMetadata(ImportMetadata.DpkgStatus)?.AsString() ?? string.Empty);
            }

            candidates.Add(new(l, control));
            localImports[l.Sha256] = package;
        }

        string cache = CacheDirectory(options, merge);
        var resolution = active.Count == 0 && candidates.Count == 0
            ? new LayeringResolver.Resolution([], [])
            : await new LayeringResolver(_loggerFactory).ResolveAsync(installed, active, candidates, RecordedSources.Read(baseCommit), cache, cancellationToken).ConfigureAwait(false);

        // What the repository already holds (imported before) is neither downloaded nor imported again.
        var cached = resolution.FromSources.ToDictionary(p => p, p => p.Sha256 is { } sha ? importer.TryGetImported(p.Name, p.Version, p.Architecture, sha) : null);
        var layered = resolution.Packages.Select(p => new DpkgPackage(p.Name, p.Version, p.Architecture)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var previous = current.Base is null ? [] : current.Packages;
        var plan = new LayeringPlan(baseChecksum, names.Order(StringComparer.Ordinal).ToList(), local.OrderBy(l => l.Name, StringComparer.Ordinal).ToList(), layered,
            names.Where(baseNames.Contains).Order(StringComparer.Ordinal).ToList(), layered.Except(previous).ToList(), previous.Except(layered).ToList(), resolution.Packages.Sum(p => p.InstalledSize))
        {
            DownloadSize = cached.Where(kv => kv.Value is null).Sum(kv => kv.Key.Size),
        };
        bool requestUnchanged = plan.RequestedPackages.SequenceEqual(LayeredOrigin.RequestedPackages(merge.Origin).Order(StringComparer.Ordinal))
            && plan.RequestedLocalPackages.Select(l => l.Sha256).Order(StringComparer.Ordinal).SequenceEqual(LayeredOrigin.RequestedLocalPackages(merge.Origin).Select(l => l.Sha256).Order(StringComparer.Ordinal));
        bool baseUnchanged = newBase is null || newBase == (current.Base ?? Checksum.Parse(merge.Commit));
        if (options.DryRun || (plan.IsEmpty && requestUnchanged && baseUnchanged))
        {
            return new LayeringResult(plan, null, null);
        }

        var toDownload = cached.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList();
        if (toDownload.Count > 0)
        {
            var downloaded = await new PackageDownloader(logger: _loggerFactory.CreateLogger<PackageDownloader>())
                .DownloadAsync(toDownload, Path.Combine(cache, "debs"), progress: null, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < toDownload.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                cached[toDownload[i]] = importer.Import(downloaded[i], cancellationToken);
            }
        }

        var localByKey = local.ToDictionary(l => (l.Name, l.Version, l.Architecture), l => localImports[l.Sha256]!);
        var ordered = resolution.Packages
            .Select(p => cached.TryGetValue(p, out var c) && c is not null ? c : localByKey[(p.Name, p.Version, p.Architecture)])
            .ToList();
        var commit = layered.Count == 0
            ? baseChecksum
            : await BuildLayeredCommitAsync(baseChecksum, current.Base == baseChecksum ? (Checksum.Parse(merge.Commit), previous) : null, ordered, active.Concat(local.Select(l => l.Name)).ToList(), local.Select(l => l.Sha256).ToHashSet(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var origin = LayeredOrigin.WithRequests(merge.Origin ?? DeploymentOrigin.ForRefspec(baseChecksum.ToString()), names, local);
        LayeringLog.Deploying(_logger, commit, baseChecksum, layered.Count);
        var deployment = Sysroot.Deploy(commit.ToString(), new DeployOptions { Origin = origin, Stage = options.Stage, Stateroot = merge.Stateroot }, cancellationToken);
        return new LayeringResult(plan, commit, deployment);
    }

    private string CacheDirectory(LayeringOptions options, Deployment merge) =>
        options.CacheDirectory ?? $"{(Sysroot.Path == "/" ? string.Empty : Sysroot.Path)}/ostree/deploy/{merge.Stateroot}/var/cache/apt-ostree";

    /// <summary>
    /// The layered commit: the previous layered commit when it was built on the same base and everything it layers
    /// stays (incremental: only the new packages are added), else the base; each new package commit's tree is
    /// overlaid (etc into usr/etc, merged /usr, /var left to tmpfiles) and the dpkg status lists the base's packages
    /// and then every layered package by name, so an incremental build and a full rebuild give the same status.
    /// </summary>
    private Task<Checksum> BuildLayeredCommitAsync(Checksum baseChecksum, (Checksum Commit, IReadOnlyList<DpkgPackage> Packages)? previousLayer, IReadOnlyList<ImportedPackage> packages,
        IReadOnlyList<string> activeRequests, HashSet<string> localSha256, CancellationToken cancellationToken)
    {
        var baseCommit = Repository.ReadCommit(baseChecksum);
        string statusPath = VarTmpfiles.DpkgDatabase + "/status";
        var baseRoot = MutableTree.FromCommit(Repository, baseChecksum);
        if (baseRoot.FindFile(statusPath) is not { } statusObject)
        {
            throw new AptOstreeException(LayeringErrorCodes.NoPackageDatabase, $"Base commit {baseChecksum} has no /{statusPath}; layering needs a composed tree (dpkg database in /usr).");
        }

        var keys = packages.Select(p => new DpkgPackage(p.Name, p.Version, p.Architecture)).ToHashSet();
        bool incremental = previousLayer is { } prev && prev.Packages.All(keys.Contains);
        var root = incremental ? MutableTree.FromCommit(Repository, previousLayer!.Value.Commit) : baseRoot;
        var kept = incremental ? previousLayer!.Value.Packages.ToHashSet() : [];
        var status = new StringBuilder(ReadText(statusObject));
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var package in packages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var commit = Repository.ReadCommit(package.Commit);
            if (kept.Contains(new DpkgPackage(package.Name, package.Version, package.Architecture)))
            {
                continue;
            }

            string infoName = commit.GetMetadata(ImportMetadata.DpkgInfoName)?.AsString() ?? package.Name;
            var tree = MutableTree.FromDirTree(Repository, commit.RootTree, commit.RootMeta);
            if (tree.FindFile($"{VarTmpfiles.DpkgDatabase}/info/{infoName}.preinst") is not null || tree.FindFile($"{VarTmpfiles.DpkgDatabase}/info/{infoName}.postinst") is not null)
            {
                throw new AptOstreeException(LayeringErrorCodes.ScriptsNotSupported, $"Package '{package.Name}' has a preinst or postinst; running maintainer scripts during layering is not implemented yet, so it is not layered.");
            }

            var conffiles = (commit.GetMetadata(ImportMetadata.DpkgConffiles)?.AsStrings() ?? []).Select(c => c.TrimStart('/')).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, sub) in tree.Directories)
            {
                if (name == "var")
                {
                    continue;
                }

                string target = name == "etc" ? "usr/etc" : MergedUsrDirectories.Contains(name) ? "usr/" + name : name;
                Overlay(root.EnsureDirectory(target), sub, target, name, package.Name, conffiles, owners);
            }

            foreach (var (name, checksum) in tree.Files)
            {
                PlaceFile(root, name, checksum, name, package.Name, owners);
            }

            if (tree.FindFile($"{VarTmpfiles.PackageFragments}/{infoName}.conf") is { } fragment)
            {
                // systemd-tmpfiles reads usr/lib/tmpfiles.d: what the package ships under /var is created at boot, /var itself is never written.
                root.EnsureDirectory("usr/lib/tmpfiles.d").SetFile($"aptostree-layer-{infoName}.conf", fragment);
            }
        }

        foreach (var package in packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Architecture, StringComparer.Ordinal))
        {
            string stanza = Repository.ReadCommit(package.Commit).GetMetadata(ImportMetadata.DpkgStatus)?.AsString()
                ?? throw new AptOstreeException(LayeringErrorCodes.PackageNotFound, $"Package commit {package.Commit} of '{package.Name}' has no dpkg status.");
            status.Append(InstalledStanza(stanza));
        }

        root.EnsureDirectory(VarTmpfiles.DpkgDatabase).SetFile("status", WriteText(status.ToString()));
        var sorted = packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Architecture, StringComparer.Ordinal).ToList();
        var metadata = baseCommit.Metadata.Where(kv => !kv.Key.StartsWith(LayeringMetadata.ClientLayer, StringComparison.Ordinal)).ToList();
        metadata.Add(new(LayeringMetadata.ClientLayer, GVariantValue.FromBoolean(true)));
        metadata.Add(new(LayeringMetadata.BaseCommit, GVariantValue.FromString(baseChecksum.ToString())));
        metadata.Add(new(LayeringMetadata.Packages, GVariantValue.FromStrings(sorted.Select(p => $"{p.Name} {p.Version} {p.Architecture}"))));
        metadata.Add(new(LayeringMetadata.ActiveRequests, GVariantValue.FromStrings(activeRequests.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))));
        metadata.Add(new(LayeringMetadata.LocalPackages, GVariantValue.FromStrings(sorted.Where(p => localSha256.Contains(p.Sha256)).Select(p => $"{p.Sha256}:{p.Name}_{p.Version}_{p.Architecture}"))));
        return Task.FromResult(Repository.CommitTree(root, new CommitOptions
        {
            Parent = baseChecksum,
            Subject = $"Layered on {baseChecksum}: {string.Join(' ', sorted.Select(p => p.Name))}",
            Timestamp = baseCommit.Time,
            Metadata = metadata,
            NoBindings = true,
        }, cancellationToken));
    }

    private static void Overlay(MutableTree into, MutableTree from, string targetPath, string sourcePath, string package, HashSet<string> conffiles, Dictionary<string, string> owners)
    {
        foreach (var (name, sub) in from.Directories)
        {
            if (into.Files.ContainsKey(name))
            {
                throw PathConflict(targetPath + "/" + name, package, "a directory", "a file");
            }

            bool existed = into.Directories.ContainsKey(name);
            var target = into.GetOrCreateDirectory(name);
            if (!existed)
            {
                target.Meta = sub.Meta;
            }

            Overlay(target, sub, targetPath + "/" + name, sourcePath + "/" + name, package, conffiles, owners);
        }

        foreach (var (name, checksum) in from.Files)
        {
            // dpkg --configure puts a new conffile in place: the import stored it as PATH.dpkg-new.
            string final = name.EndsWith(".dpkg-new", StringComparison.Ordinal) && conffiles.Contains(sourcePath + "/" + name[..^".dpkg-new".Length]) ? name[..^".dpkg-new".Length] : name;
            PlaceFile(into, final, checksum, targetPath + "/" + final, package, owners);
        }
    }

    private static void PlaceFile(MutableTree into, string name, Checksum checksum, string path, string package, Dictionary<string, string> owners)
    {
        if (into.Directories.ContainsKey(name))
        {
            throw PathConflict(path, package, "a file", "a directory");
        }

        if (into.Files.TryGetValue(name, out var existing) && existing != checksum)
        {
            throw new AptOstreeException(LayeringErrorCodes.ConflictsWithBase,
                $"/{path}: {package} ships different content where {owners.GetValueOrDefault(path, "the base")} has it; layering does not overwrite base files.");
        }

        owners[path] = package;
        into.SetFile(name, checksum);
    }

    private static AptOstreeException PathConflict(string path, string package, string ships, string has) =>
        new(LayeringErrorCodes.ConflictsWithBase, $"/{path}: {package} ships {ships} where the base has {has}.");

    private static string InstalledStanza(string stanza)
    {
        var lines = stanza.TrimEnd('\n').Split('\n').Select(l => l.StartsWith("Status: ", StringComparison.Ordinal) ? "Status: install ok installed" : l);
        return string.Join('\n', lines) + "\n\n";
    }

    private string ReadText(Checksum file)
    {
        using var content = Repository.Objects.OpenContent(file);
        using var reader = new StreamReader(content.Content, Encoding.UTF8);
        string text = reader.ReadToEnd();
        return text.Length == 0 || text.EndsWith("\n\n", StringComparison.Ordinal) ? text : text.TrimEnd('\n') + "\n\n";
    }

    private Checksum WriteText(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        using var stream = new MemoryStream(bytes, writable: false);
        return Repository.WriteContent(FileHeader.ForFile(0, 0, 0x1A4), stream, bytes.Length);
    }
}
