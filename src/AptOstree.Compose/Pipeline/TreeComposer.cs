using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AptOstree.Compose.Images;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;
using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Compose;

/// <summary>
/// Treefile → OSTree commit: resolve the package set with our solver, download and verify the .debs, import each one
/// once (its own commit), assemble the root in memory, configure it in the script sandbox, apply the OSTree layout and
/// commit with the package list, the sources and the input hash. When the input hash equals the ref's commit's,
/// nothing is committed (<see cref="ComposeResult.Changed"/> false). The ref moves only after the commit is complete.
/// </summary>
public sealed class TreeComposer
{
    /// <summary>Bumped whenever assembly, configuration or layout change the result for the same inputs.</summary>
    public const string LayoutFormat = "3";

    private readonly OstreeRepository _repository;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    /// <summary>Creates a composer writing into <paramref name="repository"/>.</summary>
    public TreeComposer(OstreeRepository repository, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        _repository = repository;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<TreeComposer>();
    }

    /// <summary>Runs the compose.</summary>
    /// <exception cref="AptOstreeException">Invalid treefile, unresolvable set (the solver's explanation), bad download, file conflict, failing script.</exception>
    public async Task<ComposeResult> ComposeAsync(Treefile treefile, ComposeOptions options, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(treefile);
        ArgumentNullException.ThrowIfNull(options);
        string refName = treefile.Ref ?? throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile, $"{treefile.SourcePath ?? "treefile"}: 'ref' is required to compose.");
        if (treefile.GpgKey is { } gpgKey && options.GpgSigningKeys.Count == 0 && !options.DryRun && !options.DownloadOnly)
        {
            throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile,
                $"{treefile.SourcePath ?? "treefile"}: field 'gpg-key': the commit must be signed with {gpgKey}, but no secret key was given (ComposeOptions.GpgSigningKeys; the CLI's --gpg-homedir or --keyring).");
        }

        var phases = new List<ComposePhaseTiming>();
        var clock = Stopwatch.StartNew();
        void Phase(string name)
        {
            phases.Add(new ComposePhaseTiming(name, clock.Elapsed));
            ComposeLog.PhaseDone(_logger, name, clock.Elapsed.TotalSeconds);
            clock.Restart();
        }

        string architecture = treefile.Architecture ?? HostArchitecture();
        progress?.Report(new OperationProgress("resolve", 0, null, ProgressUnit.Packages));
        var sources = await ComposeSources.PrepareAsync(treefile, options.CacheDirectory, options.ListsDirectory, architecture, cancellationToken: cancellationToken).ConfigureAwait(false);
        var universe = sources.LoadUniverse(architecture);
        var packages = PackageSetResolver.Resolve(universe, ComposeKernelStep.WithKernelPackage(treefile), options.Lockfile, cancellationToken);
        long epoch = options.SourceDateEpoch ?? options.Lockfile?.SourceDateEpoch
            ?? (long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), NumberStyles.None, CultureInfo.InvariantCulture, out long e) ? e : (long?)null)
            ?? sources.NewestReleaseDate() ?? 0;
        var lockfile = ComposeLockfile.From(packages, epoch);
        string inputHash = InputHash(treefile, lockfile);
        Phase("resolve");
        var result = new ComposeResult { Ref = refName, InputHash = inputHash, Packages = packages, Lockfile = lockfile, Phases = phases };

        var previous = _repository.Refs.TryResolve(refName);
        if (!options.Force && previous is { } prev && _repository.ReadCommit(prev).GetMetadata(ImportMetadata.InputHash)?.AsString() == inputHash)
        {
            return result with { Commit = prev, Changed = false };
        }

        if (options.DryRun)
        {
            return result;
        }

        string debs = Path.Combine(options.CacheDirectory, "debs");
        var files = await new PackageDownloader(logger: _loggerFactory.CreateLogger<PackageDownloader>()) { Parallelism = options.DownloadParallelism }
            .DownloadAsync(packages, debs, progress, cancellationToken).ConfigureAwait(false);
        Phase("download");
        if (options.DownloadOnly)
        {
            return result;
        }

        var importer = new PackageImporter(_repository, _loggerFactory.CreateLogger<PackageImporter>());
        var imported = new List<ImportedPackage>(files.Count);
        for (int i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            imported.Add(importer.Import(files[i], cancellationToken));
            progress?.Report(new OperationProgress("import", i + 1, files.Count, ProgressUnit.Packages, packages[i].Name));
        }

        Phase("import");
        var assembled = TreeAssembler.Assemble(_repository, imported, cancellationToken);
        DpkgPathFilter.FromTreefile(treefile).Apply(_repository, assembled.Root);
        Phase("assemble");
        progress?.Report(new OperationProgress("configure", 0, null, ProgressUnit.Packages));
        string work = options.WorkDirectory ?? Path.Combine(options.CacheDirectory, "work");
        var scripts = await new PackageConfigurator(_repository, _loggerFactory)
            .ConfigureAsync(assembled, treefile, work, epoch, cancellationToken).ConfigureAwait(false);
        Phase("configure");
        if (treefile.Kernel is not null)
        {
            await ComposeKernelStep.ApplyAsync(_repository, assembled.Root, treefile, Path.Combine(work, "kernel"), epoch, _loggerFactory, cancellationToken).ConfigureAwait(false);
            Phase("kernel");
        }

        TreefilePostprocess.Apply(_repository, assembled.Root, treefile, treefile.AutomaticVersionPrefix, cancellationToken);
        new OstreeLayout(_repository).Apply(assembled.Root, assembled.TmpfilesLines);
        Phase("postprocess");

        var metadata = new List<KeyValuePair<string, GVariantValue>>
        {
            new(ImportMetadata.InputHash, GVariantValue.FromString(inputHash)),
            new(ImportMetadata.Packages, GVariantValue.FromStrings(packages.Select(p => $"{p.Name} {p.Version} {p.Architecture}"))),
            new(ImportMetadata.Sources, GVariantValue.FromStrings(sources.Describe())),

            // The sources themselves, so client-side layering installs from what the base was composed from.
            new(Layering.RecordedSources.MetadataKey, GVariantValue.FromString(Layering.RecordedSources.Format(sources.Sources))),
        };
        if (treefile.Kernel is { Cmdline.Count: > 0 } kernel)
        {
            metadata.Add(new(ImportMetadata.KernelCommandLine, GVariantValue.FromStrings(kernel.Cmdline)));
        }

        if (treefile.AutomaticVersionPrefix is { } prefix)
        {
            metadata.Add(new("version", GVariantValue.FromString(prefix)));
        }

        foreach (var (key, value) in treefile.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            metadata.Add(new(key, GVariantValue.FromString(value)));
        }

        var commit = _repository.CommitTree(assembled.Root, new CommitOptions
        {
            Branch = refName,
            Parent = previous,
            Subject = $"apt-ostree compose {refName}",
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(epoch),
            Metadata = metadata,
            GpgSigningKeys = options.GpgSigningKeys,
        }, cancellationToken);
        Phase("commit");
        return result with
        {
            Commit = commit,
            Changed = true,
            NewlyImported = imported.Where(p => !p.Reused).Select(p => p.Name).ToList(),
            Scripts = scripts,
        };
    }

    /// <summary>
    /// The hash of everything that determines the commit: resolved treefile, the content and mode of each
    /// <c>add-files</c> source (the treefile names only their paths), exact packages, formats.
    /// </summary>
    /// <exception cref="AptOstreeException">An <c>add-files</c> source cannot be read (<see cref="ComposeErrorCodes.InvalidTreefile"/>).</exception>
    public static string InputHash(Treefile treefile, ComposeLockfile lockfile)
    {
        ArgumentNullException.ThrowIfNull(treefile);
        ArgumentNullException.ThrowIfNull(lockfile);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"import-format {PackageImporter.Format}\nlayout-format {LayoutFormat}\n")
            .Append(treefile.ToJson()).Append('\n');
        foreach (var file in treefile.AddFiles)
        {
            text.Append(CultureInfo.InvariantCulture, $"add-file {file.Destination} {AddedFileDigest(file, treefile.SourcePath)}\n");
        }

        text.Append(lockfile.Format());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string AddedFileDigest(TreefileAddFile file, string? treefileName)
    {
        try
        {
            uint mode = OperatingSystem.IsWindows() ? PosixPermissions.File : (uint)File.GetUnixFileMode(file.Source);
            using var stream = new FileStream(file.Source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Convert.ToHexStringLower(SHA256.HashData(stream)) + " " + Convert.ToString((int)mode, 8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AptOstreeException(ComposeErrorCodes.InvalidTreefile, $"{treefileName ?? "treefile"}: field 'add-files': source '{file.Source}' cannot be read: {ex.Message}", ex);
        }
    }

    private static string HostArchitecture() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "armhf",
        System.Runtime.InteropServices.Architecture.X86 => "i386",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64el",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
        _ => "amd64",
    };
}
