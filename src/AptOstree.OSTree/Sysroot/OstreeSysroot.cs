using System.Globalization;
using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.OSTree.Sysroot;

/// <summary>
/// An OSTree sysroot (a directory with <c>ostree/repo</c>, <c>ostree/deploy</c> and <c>boot/</c>) managed the way
/// <c>ostree admin</c> does, so that both tools read and write the same layout: deployments, BLS boot entries,
/// the two-level boot symlink swap, /etc merge, pinning, rollback, cleanup and staging.
/// </summary>
/// <remarks>
/// Every change of the boot configuration builds a complete new <c>boot/loader.N</c> and <c>ostree/boot.N.M</c>
/// beside the current one and switches with one <c>rename</c> of <c>boot/loader</c>; an interruption at any
/// earlier step leaves the previous configuration in force, and the next operation removes the leftovers.
/// </remarks>
public sealed partial class OstreeSysroot
{
    private readonly IPosixFileSystem _fs;
    private readonly FileTree _tree;
    private readonly ILogger _logger;
    private readonly string? _kernelCommandLine;
    private readonly TimeProvider _time;
    private OstreeRepository? _repository;

    /// <summary>Opens a sysroot.</summary>
    /// <param name="path">The sysroot directory (<c>/</c> on a booted system).</param>
    /// <param name="repository">The sysroot repository (<c>ostree/repo</c>); by default it is opened on first use
    /// through <paramref name="fileSystem"/>.</param>
    /// <param name="fileSystem">The file layer; libc by default.</param>
    /// <param name="logger">Logger; none by default.</param>
    /// <param name="kernelCommandLine">The running kernel's command line for booted-deployment detection; by default
    /// <c>/proc/cmdline</c> when <paramref name="path"/> is <c>/</c>, otherwise none (offline sysroot).</param>
    /// <param name="timeProvider">The clock (the deploy directory's modification time, as ostree touches it); the system's by default.</param>
    public OstreeSysroot(string path, OstreeRepository? repository = null, IPosixFileSystem? fileSystem = null, ILogger<OstreeSysroot>? logger = null, string? kernelCommandLine = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path.Length > 1 ? path.TrimEnd('/') : path;
        _repository = repository;
        _fs = fileSystem ?? LibcPosixFileSystem.Instance;
        _tree = new FileTree(_fs);
        _logger = logger ?? NullLogger<OstreeSysroot>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        // /proc is the kernel's, not the sysroot's: read from the real file system whatever the sysroot's is.
        _kernelCommandLine = kernelCommandLine ?? (Path == "/" && File.Exists("/proc/cmdline") ? File.ReadAllText("/proc/cmdline") : null);
    }

    /// <summary>The sysroot directory.</summary>
    public string Path { get; }

    /// <summary>
    /// The sysroot's repository, <c>ostree/repo</c> (libostree's <c>ostree_sysroot_repo()</c>): the one given to the
    /// constructor, or opened on first use.
    /// </summary>
    /// <exception cref="AptOstreeException">There is no repository at <c>ostree/repo</c> (<see cref="DeploymentErrorCodes.NotASysroot"/>).</exception>
    public OstreeRepository Repository => _repository ??= OpenRepository();

    private OstreeRepository OpenRepository()
    {
        string path = $"{Root}/ostree/repo";
        if (!_fs.TryGetStatus($"{path}/config", out _))
        {
            throw new AptOstreeException(DeploymentErrorCodes.NotASysroot, $"'{Path}' has no repository at ostree/repo.");
        }

        return OstreeRepository.Open(path, new RepositoryOptions { FileSystem = _fs, TimeProvider = _time });
    }

    private string Root => Path == "/" ? string.Empty : Path;

    /// <summary>
    /// <c>ostree admin init-fs</c>: creates the top-level directories and <c>ostree/deploy</c>, then lets
    /// <paramref name="createRepository"/> create the repository at <c>ostree/repo</c> (mode bare, or bare-user rootless).
    /// </summary>
    /// <param name="path">The new sysroot directory (created when missing).</param>
    /// <param name="createRepository">Creates the repository at the given path, unless it exists; may be null when it already exists.</param>
    /// <param name="modern">Like <c>--modern</c>: only <c>boot</c> and <c>ostree</c>, no <c>dev proc run sys root tmp</c>.</param>
    /// <param name="fileSystem">The file layer.</param>
    public static void InitializeFileSystem(string path, Action<string>? createRepository, bool modern = false, IPosixFileSystem? fileSystem = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fs = fileSystem ?? LibcPosixFileSystem.Instance;
        EnsureDirectory(fs, path, PosixPermissions.Directory);
        var dirs = modern
            ? new (string Name, uint Mode)[] { ("boot", PosixPermissions.Directory) }
            : [("boot", PosixPermissions.Directory), ("dev", PosixPermissions.Directory), ("home", PosixPermissions.Directory), ("proc", PosixPermissions.Directory), ("run", PosixPermissions.Directory), ("sys", PosixPermissions.Directory), ("root", PosixPermissions.OwnerOnlyDirectory), ("tmp", PosixPermissions.StickyWorldWritable)];
        foreach (var (name, mode) in dirs)
        {
            EnsureDirectory(fs, $"{path}/{name}", mode);
        }

        EnsureDirectory(fs, $"{path}/ostree", PosixPermissions.Directory);
        if (!fs.TryGetStatus($"{path}/ostree/repo", out _))
        {
            if (createRepository is null)
            {
                throw new AptOstreeException(DeploymentErrorCodes.NotASysroot, $"'{path}/ostree/repo' does not exist and no repository factory was given.");
            }

            createRepository($"{path}/ostree/repo");
        }

        EnsureDirectory(fs, $"{path}/ostree/deploy", PosixPermissions.Directory);
        fs.Sync($"{path}/ostree");
        fs.Sync(path);
    }

    /// <summary><c>ostree admin os-init NAME</c>: creates the stateroot <c>ostree/deploy/NAME</c> and its shared <c>var</c>.</summary>
    public void InitializeStateroot(string name)
    {
        ValidateName(name, "stateroot");
        EnsureSysroot();
        string dir = $"{Root}/ostree/deploy/{name}";
        EnsureDirectory(_fs, dir, PosixPermissions.Directory);
        EnsureDirectory(_fs, $"{dir}/var", PosixPermissions.Directory);
        _fs.Sync(dir);
        _fs.Sync($"{Root}/ostree/deploy");
    }

    /// <summary>Names of the stateroots (directories under <c>ostree/deploy</c>).</summary>
    public IReadOnlyList<string> GetStateroots()
    {
        EnsureSysroot();
        return _fs.ListDirectory($"{Root}/ostree/deploy").Where(n => !n.StartsWith('.') && _tree.IsDirectory($"{Root}/ostree/deploy/{n}")).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Reads the boot configuration and the deployments it lists.</summary>
    /// <exception cref="AptOstreeException">Not a sysroot, or a malformed or dangling boot entry/origin.</exception>
    public SysrootState Load()
    {
        EnsureSysroot();
        int bootVersion = ReadBootVersion();
        int subBootVersion = ReadSubBootVersion(bootVersion);
        var entries = new List<(BootLoaderEntry Entry, string File)>();
        string entriesDir = $"{Root}/boot/loader.{bootVersion}/entries";
        if (_tree.IsDirectory(entriesDir))
        {
            foreach (var name in _fs.ListDirectory(entriesDir).Order(StringComparer.Ordinal))
            {
                string file = $"{entriesDir}/{name}";
                if (!name.StartsWith("ostree-", StringComparison.Ordinal) || !name.EndsWith(".conf", StringComparison.Ordinal)
                    || !_fs.TryGetStatus(file, out var st) || !st.IsRegularFile)
                {
                    continue;
                }

                entries.Add((BootLoaderEntry.Parse(ReadText(file), file), file));
            }
        }

        entries.Sort((a, b) => -VersionCompare(a.Entry.Version ?? string.Empty, b.Entry.Version ?? string.Empty));
        var booted = BootedBootLink();
        var deployments = new List<Deployment>();
        var staged = ReadStaged();
        if (staged is not null)
        {
            deployments.Add(staged with { Index = 0 });
        }

        foreach (var (entry, file) in entries)
        {
            var d = LoadFromEntry(entry, file, deployments.Count);
            if (booted is not null && booted == BootLinkOf(entry))
            {
                d = d with { IsBooted = true };
            }

            deployments.Add(d);
        }

        return new SysrootState(bootVersion, subBootVersion, deployments);
    }

    /// <summary>The deployments in boot order.</summary>
    public IReadOnlyList<Deployment> GetDeployments() => Load().Deployments;

    /// <summary>The directory of a deployment's root.</summary>
    public string GetDeploymentDirectory(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return $"{Root}/{deployment.RelativePath}";
    }

    private Deployment LoadFromEntry(BootLoaderEntry entry, string file, int index)
    {
        var options = entry.Options;
        var ostreeValues = options.GetValues("ostree");
        var ostreeArg = ostreeValues.Count > 0 ? ostreeValues[^1] : null;
        var link = ostreeArg is null ? null : ParseBootLink(ostreeArg);
        if (link is null)
        {
            throw new AptOstreeException(DeploymentErrorCodes.InvalidBootConfiguration, $"{file}: options lack a valid ostree=/ostree/boot.N/OS/BOOTCSUM/SERIAL argument.");
        }

        string linkPath = $"{Root}/ostree/boot.{link.Value.BootVersion}/{link.Value.Stateroot}/{link.Value.BootChecksum}/{link.Value.BootSerial}";
        string target;
        try
        {
            target = _fs.ReadSymbolicLink(linkPath);
        }
        catch (PosixException ex)
        {
            throw new AptOstreeException(DeploymentErrorCodes.InvalidBootConfiguration, $"{file}: boot link '{linkPath}' cannot be read: {ex.Message}", ex);
        }

        var (commit, serial) = Deployment.ParseName(target[(target.LastIndexOf('/') + 1)..]);
        string deployDir = $"{Root}/ostree/deploy/{link.Value.Stateroot}/deploy/{commit}.{serial}";
        if (!_tree.IsDirectory(deployDir))
        {
            throw new AptOstreeException(DeploymentErrorCodes.InvalidBootConfiguration, $"{file}: deployment directory '{deployDir}' does not exist.");
        }

        return new Deployment
        {
            Index = index,
            Stateroot = link.Value.Stateroot,
            Commit = commit,
            DeploySerial = serial,
            BootChecksum = link.Value.BootChecksum,
            BootSerial = link.Value.BootSerial,
            Origin = ReadOrigin($"{deployDir}.origin"),
            KernelArguments = StripOstreeArguments(options),
            BootEntry = entry,
        };
    }

    private DeploymentOrigin? ReadOrigin(string path)
    {
        if (!_fs.TryGetStatus(path, out var st))
        {
            return null;
        }

        if (!st.IsRegularFile)
        {
            throw new InvalidFormatException(DeploymentErrorCodes.InvalidKeyFile, $"Origin '{path}' is not a regular file.", source: path);
        }

        return DeploymentOrigin.Parse(ReadText(path), path);
    }

    internal static KernelArguments StripOstreeArguments(KernelArguments options) =>
        KernelArguments.From(options.Arguments.Where(a => KernelArguments.KeyOf(a) != "ostree"
            && !(a.StartsWith("init=/ostree/boot.", StringComparison.Ordinal) && a.EndsWith("/usr/lib/ostree/ostree-prepare-root", StringComparison.Ordinal))));

    internal readonly record struct BootLink(int BootVersion, string Stateroot, string BootChecksum, int BootSerial);

    internal static BootLink? ParseBootLink(string value)
    {
        var parts = value.Split('/');
        if (parts.Length != 6 || parts[0].Length != 0 || parts[1] != "ostree" || parts[2] is not ("boot.0" or "boot.1")
            || parts[3].Length == 0 || parts[4].Length == 0 || !parts[4].All(Uri.IsHexDigit)
            || parts[5].Length == 0 || !parts[5].All(char.IsAsciiDigit) || !int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out int serial))
        {
            return null;
        }

        return new BootLink(parts[2][5] - '0', parts[3], parts[4], serial);
    }

    private BootLink? BootedBootLink()
    {
        if (_kernelCommandLine is null)
        {
            return null;
        }

        var values = KernelArguments.Parse(_kernelCommandLine).GetValues("ostree");
        return values.Count > 0 && values[^1] is { } value ? ParseBootLink(value) : null;
    }

    private static BootLink? BootLinkOf(BootLoaderEntry entry)
    {
        var values = entry.Options.GetValues("ostree");
        return values.Count > 0 && values[^1] is { } value ? ParseBootLink(value) : null;
    }

    private int ReadBootVersion()
    {
        string loader = $"{Root}/boot/loader";
        if (!_fs.TryGetStatus(loader, out var st))
        {
            return 0;
        }

        if (!st.IsSymbolicLink)
        {
            throw new AptOstreeException(DeploymentErrorCodes.InvalidBootConfiguration, $"'{loader}' is not a symlink.");
        }

        return _fs.ReadSymbolicLink(loader) switch
        {
            "loader.0" => 0,
            "loader.1" => 1,
            var other => throw new AptOstreeException(DeploymentErrorCodes.InvalidBootConfiguration, $"'{loader}' points to '{other}', expected loader.0 or loader.1."),
        };
    }

    private int ReadSubBootVersion(int bootVersion)
    {
        string link = $"{Root}/ostree/boot.{bootVersion}";
        if (!_fs.TryGetStatus(link, out var st))
        {
            return 0;
        }

        string target = st.IsSymbolicLink ? _fs.ReadSymbolicLink(link) : string.Empty;
        return target == $"boot.{bootVersion}.0" ? 0
            : target == $"boot.{bootVersion}.1" ? 1
            : throw new AptOstreeException(DeploymentErrorCodes.InvalidBootConfiguration, $"'{link}' should be a symlink to boot.{bootVersion}.0 or boot.{bootVersion}.1.");
    }

    private void EnsureSysroot()
    {
        if (!_tree.IsDirectory($"{Root}/ostree/deploy"))
        {
            throw new AptOstreeException(DeploymentErrorCodes.NotASysroot, $"'{Path}' is not an OSTree sysroot (no ostree/deploy; run init-fs first).");
        }
    }

    private static Deployment FindDeployment(SysrootState state, int index)
    {
        if (index < 0 || index >= state.Deployments.Count)
        {
            throw new AptOstreeException(DeploymentErrorCodes.NoSuchDeployment, $"No deployment with index {index} (there are {state.Deployments.Count}).");
        }

        return state.Deployments[index];
    }

    private string ReadText(string path)
    {
        using var reader = new StreamReader(_fs.OpenRead(path));
        return reader.ReadToEnd();
    }

    private static void EnsureDirectory(IPosixFileSystem fs, string path, uint mode)
    {
        if (fs.TryGetStatus(path, out var st))
        {
            if (!st.IsDirectory)
            {
                throw new AptOstreeException(DeploymentErrorCodes.NotASysroot, $"'{path}' exists and is not a directory.");
            }

            return;
        }

        fs.CreateDirectory(path, mode);
        fs.SetPermissions(path, mode);
    }

    internal static void ValidateName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.StartsWith('.') || name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"'{name}' is not a valid {what} name.", nameof(name));
        }
    }

    /// <summary>glibc <c>strverscmp</c>-style comparison as used to order boot entries (digit runs compare numerically).</summary>
    internal static int VersionCompare(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                int si = i, sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i]))
                {
                    i++;
                }

                while (j < b.Length && char.IsAsciiDigit(b[j]))
                {
                    j++;
                }

                string na = a[si..i].TrimStart('0'), nb = b[sj..j].TrimStart('0');
                int c = na.Length != nb.Length ? na.Length.CompareTo(nb.Length) : string.CompareOrdinal(na, nb);
                if (c != 0)
                {
                    return c;
                }
            }
            else
            {
                if (a[i] != b[j])
                {
                    return a[i].CompareTo(b[j]);
                }

                i++;
                j++;
            }
        }

        return (a.Length - i).CompareTo(b.Length - j);
    }

    private void Log(Action<ILogger> write) => write(_logger);
}
