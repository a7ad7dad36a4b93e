using System.Security.Cryptography;
using System.Text;
using AptOstree.Deb;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Dpkg;
using AptOstree.Deb.Solver;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;
using AptOstree.OSTree.Sysroot;
using AptOstree.Posix;
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
    /// whose files collide with it (<see cref="LayeringErrorCodes.ConflictsWithBase"/>), dependencies that cannot be satisfied
    /// (<see cref="LayeringErrorCodes.UnsatisfiedDependencies"/>, with the solver's explanation), a failing maintainer script
    /// (<see cref="LayeringErrorCodes.ScriptFailed"/>).</exception>
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
                // A new request for a name replaces the old one (hello=2.10-3 after hello).
                names.RemoveAll(n => RequestedName(n) == RequestedName(p));
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
            if (names.RemoveAll(n => n == p || RequestedName(n) == p) + local.RemoveAll(l => l.Name == p) > 0)
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

    /// <summary>
    /// <c>upgrade</c>: when the origin's refspec names a remote of the sysroot's repository (<c>REMOTE:REF</c>), the ref
    /// is pulled first (as <c>ostree admin upgrade</c>; also on a dry run, which needs the new base's package list);
    /// the ref as it then is becomes the new base; the requested names are resolved again against it and the sources
    /// as they are now (they float), version requests (<c>NAME=VERSION</c>) and local .debs stay as requested, and the
    /// result is deployed as the new default. Unchanged (<see cref="LayeringResult.Changed"/> false) when nothing moved.
    /// </summary>
    /// <exception cref="AptOstreeException">The origin has no refspec or the ref is not in the repository (<see cref="LayeringErrorCodes.UnknownRevision"/>);
    /// the pull's errors; the errors of <see cref="InstallAsync"/> when the request no longer fits the new base.</exception>
    public async Task<LayeringResult> UpgradeAsync(LayeringOptions? options = null, CancellationToken cancellationToken = default)
    {
        var merge = MergeDeployment();
        string refspec = merge.Origin?.GetValue("origin", "refspec")
            ?? throw new AptOstreeException(LayeringErrorCodes.UnknownRevision, $"Deployment {merge.Name} has no [origin] refspec to upgrade from.");
        int colon = refspec.IndexOf(':', StringComparison.Ordinal);
        string refName = colon >= 0 ? refspec[(colon + 1)..] : refspec;
        if (colon > 0 && Repository.Remotes.Get(refspec[..colon]) is not null)
        {
            LayeringLog.Pulling(_logger, refspec);
            await new RepositoryPuller(Repository).PullRemoteAsync(refspec[..colon], refName, new PullOptions(), cancellationToken).ConfigureAwait(false);
        }

        var newBase = Repository.Refs.TryResolve(refspec) ?? Repository.Refs.TryResolve(refName)
            ?? throw new AptOstreeException(LayeringErrorCodes.UnknownRevision, $"The origin's ref '{refspec}' of deployment {merge.Name} is not in {Repository.Path} (pull it first).");
        return await ApplyAsync(merge, LayeredOrigin.RequestedPackages(merge.Origin).ToList(), LayeredOrigin.RequestedLocalPackages(merge.Origin).ToList(),
            new Dictionary<string, string>(StringComparer.Ordinal), options ?? new LayeringOptions(), newBase, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>cleanup -p</c> / <c>-r</c>: removes the pending deployment (staged, or newer than the booted one; offline, a
    /// staged one) and/or the rollback deployments (after the booted one; offline, after the default), then lets ostree
    /// prune what no deployment needs. Pinned deployments stay.
    /// </summary>
    /// <returns>The deployments removed.</returns>
    public IReadOnlyList<Deployment> Cleanup(bool pending, bool rollback, CancellationToken cancellationToken = default)
    {
        var deployments = Sysroot.GetDeployments();
        int current = deployments.ToList().FindIndex(d => d.IsBooted);
        if (current < 0)
        {
            current = deployments.ToList().FindIndex(d => !d.IsStaged);
        }

        var remove = deployments.Select((d, i) => (d, i))
            .Where(x => !x.d.IsPinned && x.i != current && ((pending && (x.d.IsStaged || x.i < current)) || (rollback && current >= 0 && x.i > current)))
            .ToList();
        foreach (var (d, i) in remove.OrderByDescending(x => x.i))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Sysroot.Undeploy(i, cancellationToken);
        }

        if (remove.Count > 0)
        {
            Sysroot.Cleanup(prune: true, cancellationToken);
        }

        return remove.Select(x => x.d).ToList();
    }

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

    /// <summary>The package name of a request (<c>NAME</c>, <c>NAME=VERSION</c>, <c>NAME:ARCH</c>, <c>NAME/SUITE</c>).</summary>
    private static string RequestedName(string request) => PackageRequest.Parse(request).Name;

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
        var mergeCommit = Repository.ReadCommit(merge.Commit);
        var current = LayerOf(mergeCommit);
        var baseChecksum = newBase ?? current.Base ?? merge.Commit;
        var baseCommit = Repository.ReadCommit(baseChecksum);
        var installed = CommitPackageDatabase.ReadInstalled(Repository, baseChecksum);
        var baseNames = installed.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var l in local.Where(l => baseNames.Contains(l.Name)))
        {
            throw new AptOstreeException(LayeringErrorCodes.ConflictsWithBase, $"Package '{l.Name}' ({l.Nevra}) is already in the base commit {baseChecksum}; layering may not replace a base package.");
        }

        var active = names.Where(n => !baseNames.Contains(RequestedName(n))).ToList();
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

        // rpm-ostree's rule: names float on upgrade (re-resolved against the new base and the sources as they are now);
        // any other transaction keeps the versions layered now, so adding or removing one package changes no other.
        var held = newBase is null ? Held(current.Base is null ? [] : current.Packages) : [];
        string cache = CacheDirectory(options, merge);
        var resolution = active.Count == 0 && candidates.Count == 0
            ? new LayeringResolver.Resolution([], [])
            : await new LayeringResolver(_loggerFactory).ResolveAsync(installed, active, candidates, held, RecordedSources.Read(baseCommit), cache, options.ListsDirectory, cancellationToken).ConfigureAwait(false);

        // What the repository already holds (imported before) is neither downloaded nor imported again.
        var cached = resolution.FromSources.ToDictionary(p => p, p => p.Sha256 is { } sha ? importer.TryGetImported(p.Name, p.Version, p.Architecture, sha) : null);
        var layered = resolution.Packages.Select(p => new DpkgPackage(p.Name, p.Version, p.Architecture)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var previous = current.Base is null ? [] : current.Packages;
        LayeringPlan plan = new(baseChecksum, names.Order(StringComparer.Ordinal).ToList(), local.OrderBy(l => l.Name, StringComparer.Ordinal).ToList(), layered,
            names.Where(n => baseNames.Contains(RequestedName(n))).Order(StringComparer.Ordinal).ToList(), layered.Except(previous).ToList(), previous.Except(layered).ToList(), resolution.Packages.Sum(p => p.InstalledSize))
        {
            DownloadSize = cached.Where(kv => kv.Value is null).Sum(kv => kv.Key.Size),
        };
        // The scripts that run: the new packages' on an incremental build, every layered package's on a rebuild from the base.
        bool incremental = current.Base == baseChecksum && previous.All(layered.Contains);
        var configured = resolution.Packages.Where(p => !incremental || !previous.Contains(new DpkgPackage(p.Name, p.Version, p.Architecture))).ToList();
        ImportedPackage? ImportOf(UniversePackage p) => cached.TryGetValue(p, out var c) ? c
            : local.FirstOrDefault(l => (l.Name, l.Version, l.Architecture) == (p.Name, p.Version, p.Architecture)) is { } l ? localImports[l.Sha256] : null;
        string? FileOf(UniversePackage p) =>
            local.FirstOrDefault(l => (l.Name, l.Version, l.Architecture) == (p.Name, p.Version, p.Architecture)) is { } l ? files.GetValueOrDefault(l.Sha256) : null;
        plan = plan with
        {
            Scripts = PlannedScripts(configured, ImportOf, FileOf),
            ScriptsUnknown = configured.Where(p => ImportOf(p) is null && FileOf(p) is null).Select(p => new DpkgPackage(p.Name, p.Version, p.Architecture)).ToList(),
            Triggers = PlannedTriggers(incremental ? merge.Commit : baseChecksum, configured, ImportOf, FileOf),
        };
        bool requestUnchanged = plan.RequestedPackages.SequenceEqual(LayeredOrigin.RequestedPackages(merge.Origin).Order(StringComparer.Ordinal))
            && plan.RequestedLocalPackages.Select(l => l.Sha256).Order(StringComparer.Ordinal).SequenceEqual(LayeredOrigin.RequestedLocalPackages(merge.Origin).Select(l => l.Sha256).Order(StringComparer.Ordinal));
        bool baseUnchanged = newBase is null || newBase == (current.Base ?? merge.Commit);
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

        plan = plan with { Scripts = PlannedScripts(configured, ImportOf, FileOf), ScriptsUnknown = [], Triggers = PlannedTriggers(incremental ? merge.Commit : baseChecksum, configured, ImportOf, FileOf) };
        var localByKey = local.ToDictionary(l => (l.Name, l.Version, l.Architecture), l => localImports[l.Sha256]!);
        var ordered = resolution.Packages
            .Select(p => cached.TryGetValue(p, out var c) && c is not null ? c : localByKey[(p.Name, p.Version, p.Architecture)])
            .ToList();
        var commit = layered.Count == 0
            ? baseChecksum
            : await BuildLayeredCommitAsync(baseChecksum, current.Base == baseChecksum ? (merge.Commit, previous) : null, ordered, active.Concat(local.Select(l => l.Name)).ToList(), local.Select(l => l.Sha256).ToHashSet(StringComparer.Ordinal), Path.Combine(Repository.Path, "tmp", "aptostree-layering"), cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var origin = LayeredOrigin.WithRequests(merge.Origin ?? DeploymentOrigin.ForRefspec(baseChecksum.ToString()), names, local);
        LayeringLog.Deploying(_logger, commit, baseChecksum, layered.Count);
        var deployment = Sysroot.Deploy(commit, new DeployOptions { Origin = origin, Stage = options.Stage, Stateroot = merge.Stateroot }, cancellationToken);
        return new LayeringResult(plan, commit, deployment);
    }

    /// <summary>The layered packages whose package commit is still in the repository, offered to the solver at their versions.</summary>
    private List<LayeringResolver.HeldCandidate> Held(IReadOnlyList<DpkgPackage> layered)
    {
        var result = new List<LayeringResolver.HeldCandidate>();
        foreach (var p in layered)
        {
            string refName = PackageRefs.For(p.Name, p.Version, p.Architecture);
            if (Repository.Refs.TryResolve(refName) is not { } commit)
            {
                continue;
            }

            var metadata = Repository.ReadCommit(commit);
            if (metadata.GetMetadata(ImportMetadata.PackageSha256)?.AsString() is { } sha && metadata.GetMetadata(ImportMetadata.DpkgStatus)?.AsString() is { } stanza)
            {
                result.Add(new(new ImportedPackage(p.Name, p.Version, p.Architecture, sha, refName, commit, Reused: true), Deb822Paragraph.Parse(stanza)));
            }
        }

        return result;
    }

    /// <summary>The preinsts (install order), then the postinsts of <paramref name="packages"/> that ship them, read from their imports or .deb files.</summary>
    private List<string> PlannedScripts(IReadOnlyList<UniversePackage> packages, Func<UniversePackage, ImportedPackage?> importOf, Func<UniversePackage, string?> fileOf)
    {
        var preinsts = new List<string>();
        var postinsts = new List<string>();
        foreach (var p in packages)
        {
            bool hasPreinst, hasPostinst;
            if (importOf(p) is { } import)
            {
                var commit = Repository.ReadCommit(import.Commit);
                string infoName = commit.GetMetadata(ImportMetadata.DpkgInfoName)?.AsString() ?? import.Name;
                var info = MutableTree.FromDirTree(Repository, commit.RootTree, commit.RootMeta).FindDirectory(VarTmpfiles.DpkgDatabase + "/info");
                hasPreinst = info?.Files.ContainsKey(infoName + ".preinst") == true;
                hasPostinst = info?.Files.ContainsKey(infoName + ".postinst") == true;
            }
            else if (fileOf(p) is { } path)
            {
                using var deb = DebPackage.Open(path);
                hasPreinst = deb.Control.GetFile("preinst") is not null;
                hasPostinst = deb.Control.GetFile("postinst") is not null;
            }
            else
            {
                continue;
            }

            if (hasPreinst)
            {
                preinsts.Add(p.Name + ".preinst");
            }

            if (hasPostinst)
            {
                postinsts.Add(p.Name + ".postinst");
            }
        }

        return [.. preinsts, .. postinsts];
    }

    /// <summary>
    /// The triggers <paramref name="packages"/> activate over the tree of <paramref name="before"/> (its registry, their
    /// files and <c>triggers</c> control files, read from their imports or .deb files), with the packages interested.
    /// </summary>
    private List<LayeringTrigger> PlannedTriggers(Checksum before, IReadOnlyList<UniversePackage> packages, Func<UniversePackage, ImportedPackage?> importOf, Func<UniversePackage, string?> fileOf)
    {
        var sources = new List<LayerScriptRunner.TriggerSource>();
        foreach (var p in packages)
        {
            string? triggersFile;
            List<string> paths;
            if (importOf(p) is { } import)
            {
                var commit = Repository.ReadCommit(import.Commit);
                triggersFile = commit.GetMetadata(ImportMetadata.DpkgTriggers)?.AsString();
                paths = PackagePaths(MutableTree.FromDirTree(Repository, commit.RootTree, commit.RootMeta));
            }
            else if (fileOf(p) is { } path)
            {
                using var deb = DebPackage.Open(path);
                triggersFile = deb.Control.GetFile("triggers") is { } control ? Encoding.UTF8.GetString(control.Content.Span) : null;
                paths = deb.EnumerateDataEntries().Where(e => e.Path.Length > 0).Select(e => "/" + e.Path).ToList();
            }
            else
            {
                continue;
            }

            var interests = DpkgTriggerInterest.Parse(triggersFile);
            sources.Add(new(p.Name, paths, interests.Where(i => i.IsFileTrigger).Select(i => i.Trigger).ToList(), ExplicitTriggers(triggersFile),
                interests.Where(i => !i.IsFileTrigger).Select(i => i.Trigger).ToList()));
        }

        if (sources.Count == 0)
        {
            return [];
        }

        var root = MutableTree.FromCommit(Repository, before);
        var activated = LayerScriptRunner.ActivatedTriggers(root, sources, f => ReadText(f));
        return [.. LayerScriptRunner.InterestedPackages(root, activated, sources, f => ReadText(f))];
    }

    private string CacheDirectory(LayeringOptions options, Deployment merge) =>
        options.CacheDirectory ?? $"{(Sysroot.Path == "/" ? string.Empty : Sysroot.Path)}/ostree/deploy/{merge.Stateroot}/var/cache/apt-ostree";

    /// <summary>
    /// The layered commit: the previous layered commit when it was built on the same base and everything it layers
    /// stays (incremental: only the new packages are added), else the base; each new package commit's tree is
    /// overlaid (etc into usr/etc, merged /usr, /var left to tmpfiles) and the dpkg status lists the base's packages
    /// and then every layered package by name, so an incremental build and a full rebuild give the same status.
    /// </summary>
    private async Task<Checksum> BuildLayeredCommitAsync(Checksum baseChecksum, (Checksum Commit, IReadOnlyList<DpkgPackage> Packages)? previousLayer, IReadOnlyList<ImportedPackage> packages,
        IReadOnlyList<string> activeRequests, HashSet<string> localSha256, string workDirectory, CancellationToken cancellationToken)
    {
        var baseCommit = Repository.ReadCommit(baseChecksum);
        string statusPath = VarTmpfiles.DpkgDatabase + "/status";
        var baseRoot = MutableTree.FromCommit(Repository, baseChecksum);
        if (baseRoot.FindFile(statusPath) is not { } statusObject)
        {
            throw new AptOstreeException(LayeringErrorCodes.NoPackageDatabase, $"Base commit {baseChecksum} has no /{statusPath}; layering needs a composed tree (dpkg database in /usr).");
        }

        // The base's documentation/install-langs rules (dpkg path filters the compose recorded): layered packages follow them too.
        var pathFilter = DpkgPathFilter.FromConfig(baseRoot.FindFile("usr/" + DpkgPathFilter.ConfigFile) is { } filterConfig ? ReadRaw(filterConfig) : null);
        var keys = packages.Select(p => new DpkgPackage(p.Name, p.Version, p.Architecture)).ToHashSet();
        bool incremental = previousLayer is { } prev && prev.Packages.All(keys.Contains);
        var root = incremental ? MutableTree.FromCommit(Repository, previousLayer!.Value.Commit) : baseRoot;
        var kept = incremental ? previousLayer!.Value.Packages.ToHashSet() : [];
        string baseStatus = ReadText(statusObject);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var added = new List<LayerScriptRunner.NewPackage>();
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

            // dpkg activates file triggers by the package's whole file list, paths its filters skipped included.
            var paths = PackagePaths(tree);
            pathFilter.Apply(Repository, tree, writeConfig: false);
            bool hasScripts = tree.FindFile($"{VarTmpfiles.DpkgDatabase}/info/{infoName}.preinst") is not null || tree.FindFile($"{VarTmpfiles.DpkgDatabase}/info/{infoName}.postinst") is not null;
            var conffileList = commit.GetMetadata(ImportMetadata.DpkgConffiles)?.AsStrings() ?? [];
            string? triggersFile = commit.GetMetadata(ImportMetadata.DpkgTriggers)?.AsString();
            added.Add(new LayerScriptRunner.NewPackage(package, infoName, hasScripts, ExplicitTriggers(triggersFile), paths, conffileList)
            {
                FileInterests = DpkgTriggerInterest.Parse(triggersFile).Where(t => t.IsFileTrigger).Select(t => t.Trigger).ToList(),
            });
            var conffiles = conffileList.Select(c => c.TrimStart('/')).ToHashSet(StringComparer.Ordinal);
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

        // dpkg --unpack registers each new package's trigger interests (files of packages unpacked later activate them).
        var triggers = LayerScriptRunner.ActivatedTriggers(root, added, f => ReadText(f));
        var registry = TriggerRegistry(baseRoot, packages);
        SetTriggerRegistry(root, registry);
        if (added.Any(a => a.HasScripts) || triggers.Count > 0)
        {
            // The scripts see the new packages unpacked, as after dpkg --unpack; dpkg --configure then installs them.
            var fresh = added.Select(a => a.Package.Commit).ToHashSet();
            root.EnsureDirectory(VarTmpfiles.DpkgDatabase).SetFile("status", WriteText(StatusText(baseStatus, packages, p => !fresh.Contains(p.Commit))));
            await new LayerScriptRunner(Repository, _loggerFactory).RunAsync(root, added, triggers, workDirectory, baseCommit.Time.ToUnixTimeSeconds(), cancellationToken).ConfigureAwait(false);
        }

        root.EnsureDirectory(VarTmpfiles.DpkgDatabase).SetFile("status", WriteText(StatusText(baseStatus, packages, _ => true)));
        SetTriggerRegistry(root, registry);
        var sorted = packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Architecture, StringComparer.Ordinal).ToList();
        var metadata = baseCommit.Metadata.Where(kv => !kv.Key.StartsWith(LayeringMetadata.ClientLayer, StringComparison.Ordinal)).ToList();
        metadata.Add(new(LayeringMetadata.ClientLayer, GVariantValue.FromBoolean(true)));
        metadata.Add(new(LayeringMetadata.BaseCommit, GVariantValue.FromString(baseChecksum.ToString())));
        metadata.Add(new(LayeringMetadata.Packages, GVariantValue.FromStrings(sorted.Select(p => $"{p.Name} {p.Version} {p.Architecture}"))));
        metadata.Add(new(LayeringMetadata.ActiveRequests, GVariantValue.FromStrings(activeRequests.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))));
        metadata.Add(new(LayeringMetadata.LocalPackages, GVariantValue.FromStrings(sorted.Where(p => localSha256.Contains(p.Sha256)).Select(p => $"{p.Sha256}:{p.Name}_{p.Version}_{p.Architecture}"))));
        return Repository.CommitTree(root, new CommitOptions
        {
            Parent = baseChecksum,
            Subject = $"Layered on {baseChecksum}: {string.Join(' ', sorted.Select(p => p.Name))}",
            Timestamp = baseCommit.Time,
            Metadata = metadata,
            NoBindings = true,
        }, cancellationToken);
    }

    /// <summary>The base's status, then each layered package's stanza by name: installed, or as unpacked when <paramref name="installed"/> says no.</summary>
    private string StatusText(string baseStatus, IReadOnlyList<ImportedPackage> packages, Func<ImportedPackage, bool> installed)
    {
        var status = new StringBuilder(baseStatus);
        foreach (var package in packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Architecture, StringComparer.Ordinal))
        {
            string stanza = Repository.ReadCommit(package.Commit).GetMetadata(ImportMetadata.DpkgStatus)?.AsString()
                ?? throw new AptOstreeException(LayeringErrorCodes.PackageNotFound, $"Package commit {package.Commit} of '{package.Name}' has no dpkg status.");
            status.Append(installed(package) ? InstalledStanza(stanza) : stanza.TrimEnd('\n') + "\n\n");
        }

        return status.ToString();
    }

    /// <summary>
    /// dpkg's trigger registry (<c>triggers/File</c>, one file per explicit trigger) of the base with the interests of
    /// every layered package appended in install order, as <c>dpkg --unpack</c> appends them: the same text whether the
    /// layered commit is built incrementally or from the base.
    /// </summary>
    private Dictionary<string, string> TriggerRegistry(MutableTree baseRoot, IReadOnlyList<ImportedPackage> packages)
    {
        var registry = new Dictionary<string, string>(StringComparer.Ordinal);
        if (baseRoot.FindDirectory(VarTmpfiles.DpkgDatabase + "/triggers") is { } baseTriggers)
        {
            foreach (var (name, file) in baseTriggers.Files)
            {
                registry[name] = ReadRaw(file);
            }
        }

        var records = packages.Select(p =>
        {
            var commit = Repository.ReadCommit(p.Commit);
            return new DpkgUnpackRecord
            {
                Package = p.Name,
                Architecture = p.Architecture,
                InfoName = commit.GetMetadata(ImportMetadata.DpkgInfoName)?.AsString() ?? p.Name,
                StatusStanza = string.Empty,
                InfoFiles = [],
                TriggerInterests = DpkgTriggerInterest.Parse(commit.GetMetadata(ImportMetadata.DpkgTriggers)?.AsString()),
            };
        }).ToList();
        foreach (var (name, text) in DpkgDatabaseWriter.FormatTriggerRegistry(records))
        {
            registry[name] = registry.GetValueOrDefault(name, string.Empty) + text;
        }

        return registry;
    }

    private void SetTriggerRegistry(MutableTree root, Dictionary<string, string> registry)
    {
        var triggers = root.EnsureDirectory(VarTmpfiles.DpkgDatabase + "/triggers");
        foreach (var (name, text) in registry)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            using var stream = new MemoryStream(bytes, writable: false);
            triggers.SetFile(name, Repository.WriteContent(FileHeader.ForFile(0, 0, PosixPermissions.File), stream, bytes.Length));
        }
    }

    private string ReadRaw(Checksum file)
    {
        using var content = Repository.Objects.OpenContent(file);
        using var reader = new StreamReader(content.Content, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The explicit triggers a package's <c>triggers</c> control file activates.</summary>
    private static List<string> ExplicitTriggers(string? triggersFile) =>
        DpkgTriggerActivation.Parse(triggersFile).Select(a => a.Trigger).ToList();

    /// <summary>The absolute paths a package ships (its tree without the dpkg database and apt-ostree's own files).</summary>
    private static List<string> PackagePaths(MutableTree tree)
    {
        var result = new List<string>();
        void Walk(MutableTree dir, string prefix)
        {
            foreach (var name in dir.Files.Keys)
            {
                result.Add(prefix + "/" + name);
            }

            foreach (var (name, sub) in dir.Directories)
            {
                string path = prefix + "/" + name;
                if (path is "/" + VarTmpfiles.DpkgDatabase or "/usr/lib/aptostree")
                {
                    continue;
                }

                result.Add(path);
                Walk(sub, path);
            }
        }

        Walk(tree, string.Empty);
        return result;
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
        return Repository.WriteContent(FileHeader.ForFile(0, 0, PosixPermissions.File), stream, bytes.Length);
    }
}
