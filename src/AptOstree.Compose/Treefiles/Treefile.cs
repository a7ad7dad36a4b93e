namespace AptOstree.Compose;

/// <summary>
/// A compose description: rpm-ostree's treefile fields where they apply (<c>ref</c>, <c>packages</c>,
/// <c>exclude-packages</c>, <c>recommends</c>, <c>add-files</c>, <c>remove-files</c>, <c>units</c>,
/// <c>default-target</c>, <c>postprocess</c>, <c>metadata</c>, <c>automatic-version-prefix</c>,
/// <c>mutate-os-release</c>, <c>documentation</c>, <c>install-langs</c>, <c>variables</c>, <c>include</c>) plus what a
/// Debian system needs (<c>base</c>, <c>architecture</c>, <c>sources</c>, <c>variant</c>, <c>debconf-selections</c>,
/// <c>scripts</c>, <c>kernel</c>, <c>initramfs</c>), and <c>gpg-key</c>. Load one with <see cref="TreefileLoader"/>; includes and variables
/// are already resolved here.
/// </summary>
public sealed partial record Treefile
{
    /// <summary>The file the treefile was loaded from (null when parsed from text).</summary>
    public string? SourcePath { get; init; }

    /// <summary>The branch to commit to; defaults to the base's branch (<c>debian/12/x86_64</c>).</summary>
    public string? Ref { get; init; }

    /// <summary>The base as written (<c>debian:12</c>, <c>bookworm</c>, <c>debian/12/x86_64</c>), or null.</summary>
    public string? Base { get; init; }

    /// <summary>The dpkg architecture of the target (<c>amd64</c>); null means the host's.</summary>
    public string? Architecture { get; init; }

    /// <summary>The base package set as mmdebstrap names it: <c>essential</c>, <c>minbase</c>, <c>important</c>, <c>standard</c>.</summary>
    public string Variant { get; init; } = "minbase";

    /// <summary>Packages on top of the variant (<c>name</c>, <c>name=version</c>, <c>name:arch</c>).</summary>
    public IReadOnlyList<string> Packages { get; init; } = [];

    /// <summary>Packages that must not be installed (a hard dependency on one is an error).</summary>
    public IReadOnlyList<string> ExcludePackages { get; init; } = [];

    /// <summary>Install Recommends of the requested packages (default false, as for images).</summary>
    public bool Recommends { get; init; }

    /// <summary>APT sources as deb822 stanzas; null means the host's apt sources and lists.</summary>
    public IReadOnlyList<string>? Sources { get; init; }

    /// <summary>debconf preseed lines (<c>debconf-set-selections</c> format).</summary>
    public IReadOnlyList<string> DebconfSelections { get; init; } = [];

    /// <summary>Maintainer-script policy.</summary>
    public TreefileScripts Scripts { get; init; } = new();

    /// <summary>Files copied into the tree: source (relative to the treefile) and absolute destination.</summary>
    public IReadOnlyList<TreefileAddFile> AddFiles { get; init; } = [];

    /// <summary>Paths (relative to the root, e.g. <c>usr/share/doc/foo</c>) removed from the tree before commit.</summary>
    public IReadOnlyList<string> RemoveFiles { get; init; } = [];

    /// <summary>systemd units enabled in the tree.</summary>
    public IReadOnlyList<string> Units { get; init; } = [];

    /// <summary>The systemd default target (e.g. <c>multi-user.target</c>).</summary>
    public string? DefaultTarget { get; init; }

    /// <summary>
    /// The GPG key (fingerprint, key id or user id) that signs the commit, as rpm-ostree's <c>gpg-key</c>; the compose
    /// needs the secret key itself in <see cref="ComposeOptions.GpgSigningKeys"/> (the CLI exports it from gpg).
    /// </summary>
    public string? GpgKey { get; init; }

    /// <summary>Shell scripts run inside the tree after configuration, in order.</summary>
    public IReadOnlyList<string> Postprocess { get; init; } = [];

    /// <summary>Extra commit metadata (string values).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Version prefix: versions are <c>PREFIX</c>, then <c>PREFIX.1</c>, <c>PREFIX.2</c>… on the same ref.</summary>
    public string? AutomaticVersionPrefix { get; init; }

    /// <summary>The base version (e.g. <c>12</c>): in os-release's <c>VERSION</c> and <c>PRETTY_NAME</c> it becomes the commit version, and <c>OSTREE_VERSION</c> is added (rpm-ostree's meaning).</summary>
    public string? MutateOsRelease { get; init; }

    /// <summary>Keep documentation (<c>/usr/share/doc</c>, man and info pages); default true.</summary>
    public bool Documentation { get; init; } = true;

    /// <summary>Locales to keep under <c>/usr/share/locale</c>; empty keeps all.</summary>
    public IReadOnlyList<string> InstallLangs { get; init; } = [];

    /// <summary>The variables after resolution (user-defined plus <c>arch</c>, <c>basearch</c>, <c>releasever</c>).</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>Reserved for bootable composes: the kernel package and command line.</summary>
    public TreefileKernel? Kernel { get; init; }

    /// <summary>Reserved for bootable composes: how the initramfs is generated.</summary>
    public TreefileInitramfs? Initramfs { get; init; }
}

/// <summary>The <c>scripts</c> section: which maintainer scripts to skip or replace, and their time limit.</summary>
public sealed record TreefileScripts
{
    /// <summary>Scripts not run, as <c>package.script</c> (e.g. <c>man-db.postinst</c>).</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary>Scripts replaced: <c>package.script</c> → the replacement's text.</summary>
    public IReadOnlyDictionary<string, string> Replace { get; init; } = new Dictionary<string, string>();

    /// <summary>Time limit of one maintainer script (and of the whole configuration step); default 10 minutes.</summary>
    public TimeSpan? TimeLimit { get; init; }
}

/// <summary>An <c>add-files</c> entry.</summary>
/// <param name="Source">The file on the host (an absolute path, resolved from the treefile's directory).</param>
/// <param name="Destination">The absolute path in the tree.</param>
public sealed record TreefileAddFile(string Source, string Destination);

/// <summary>The reserved <c>kernel</c> section.</summary>
/// <param name="Package">The kernel package (e.g. <c>linux-image-amd64</c>).</param>
/// <param name="Cmdline">Kernel arguments.</param>
public sealed record TreefileKernel(string Package, IReadOnlyList<string> Cmdline);

/// <summary>The reserved <c>initramfs</c> section.</summary>
/// <param name="Generator">The generator (<c>dracut</c>).</param>
/// <param name="Modules">Extra generator modules (e.g. <c>ostree</c>).</param>
/// <param name="Args">Extra generator arguments.</param>
public sealed record TreefileInitramfs(string Generator, IReadOnlyList<string> Modules, IReadOnlyList<string> Args);
