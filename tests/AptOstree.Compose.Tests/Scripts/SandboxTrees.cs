using AptOstree.Deb;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Scripts;

/// <summary>A hard-link checkout of a bare-user repository commit, owned by whoever made it.</summary>
/// <param name="Repository">The bare-user repository.</param>
/// <param name="Checkout">The <c>ostree checkout -U --require-hardlinks</c> of its <see cref="SandboxTrees.Branch"/>.</param>
internal sealed record HardLinkedTree(string Repository, string Checkout);

/// <summary>
/// The trees the sandbox tests run over: Debian minbase (+ adduser) from <c>mmdebstrap</c> on the host's apt sources
/// (cached across runs), with the test package <c>aptostree-sandbox-probe</c> unpacked by the real <c>dpkg</c> but not
/// configured, committed to a bare-user repository and checked out with hard links — once by root and once by
/// the unprivileged test user. Built once per test run, on first use; each test then opens its own sandbox over a
/// checkout, which no test may change (the tests check that it never does).
/// </summary>
public sealed class SandboxTrees : IDisposable
{
    public const string Branch = "sandbox/lower";
    public const string ProbePackage = "aptostree-sandbox-probe";
    public const string ProbeFile = "usr/share/aptostree-sandbox-probe/data.txt";
    public const string ProbeOriginal = "original content\n";
    public const string ProbeAppended = "appended by postinst\n";

    private static readonly string CacheDirectory = Path.Combine(
        Environment.GetEnvironmentVariable("APTOSTREE_TEST_CACHE") ?? "/tmp/aptostree-test-cache", "sandbox");

    private readonly Lazy<string> _lowerTar;
    private readonly Lazy<HardLinkedTree> _rootTree;
    private readonly Lazy<HardLinkedTree> _userTree;
    private readonly List<string> _directories = [];

    public SandboxTrees()
    {
        _lowerTar = new(BuildLowerTar);
        _rootTree = new(() => Commit(asTestUser: false));
        _userTree = new(() => Commit(asTestUser: true));
    }

    /// <summary>The tree made by root (skips the test when it cannot be built).</summary>
    internal HardLinkedTree RootTree => _rootTree.Value;

    /// <summary>The tree made by the unprivileged test user.</summary>
    internal HardLinkedTree UserTree => _userTree.Value;

    /// <summary>Skips unless everything the sandbox and its tests need is installed and this process is root.</summary>
    internal static void RequireTools()
    {
        ExternalTool.Require("bwrap", "unshare", "mount", "ostree", "mmdebstrap", "dpkg", "tar");
        Skip.IfNot(LibcPosixFileSystem.IsRoot, "The sandbox tests build their Debian tree as root (CI runs as root) and drop to a test user for the rootless cases.");
    }

    /// <summary>A new empty directory for a sandbox's work directory, removed after the run.</summary>
    internal string NewWorkDirectory(bool forTestUser)
    {
        var dir = forTestUser ? UnprivilegedTestUser.CreateDirectory("aptostree-sbx-") : Directory.CreateTempSubdirectory("aptostree-sbx-").FullName;
        lock (_directories)
        {
            _directories.Add(dir);
        }

        return Path.Combine(dir, "work");
    }

    public void Dispose()
    {
        var all = _directories.ToList();
        if (_rootTree.IsValueCreated)
        {
            all.Add(Path.GetDirectoryName(_rootTree.Value.Repository)!);
        }

        if (_userTree.IsValueCreated)
        {
            all.Add(Path.GetDirectoryName(_userTree.Value.Repository)!);
        }

        if (_lowerTar.IsValueCreated)
        {
            all.Add(Path.GetDirectoryName(_lowerTar.Value)!);
        }

        foreach (var dir in all)
        {
            ExternalTool.Run("rm", ["-rf", "--one-file-system", dir]);
        }
    }

    /// <summary>Builds the probe package: a data file, and a postinst that appends to it (through a hard link, if the sandbox let it).</summary>
    internal static DebBuilder ProbeDeb() => new DebBuilder { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) }
        .SetControlFields([
            new("Package", ProbePackage), new("Version", "1.0"), new("Architecture", "all"),
            new("Maintainer", "AptOstree tests <tests@localhost>"), new("Description", "postinst appends to its own packaged file"),
        ])
        .AddFile(ProbeFile, ProbeOriginal)
        .AddMaintainerScript("postinst", $"#!/bin/sh\nset -e\nif [ \"$1\" = configure ]; then\n  printf '{ProbeAppended.TrimEnd('\n')}\\n' >> /{ProbeFile}\nfi\n");

    private static string BaseTarball()
    {
        string suite = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("VERSION_CODENAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "bookworm";
        string path = Path.Combine(CacheDirectory, $"{suite}-minbase-adduser.tar");
        Directory.CreateDirectory(CacheDirectory);
        using var gate = TestCache.Lock(Path.Combine(CacheDirectory, ".lock"));
        if (File.Exists(path))
        {
            return path;
        }

        var sources = new[] { "/etc/apt/sources.list.d" }.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.sources").Concat(Directory.EnumerateFiles(d, "*.list")))
            .Append("/etc/apt/sources.list").FirstOrDefault(f => File.Exists(f) && new FileInfo(f).Length > 0);
        Skip.If(sources is null, "The host has no apt sources to build the sandbox test tree from.");
        // --format=tar: mmdebstrap picks the format from the output's extension, and ".partial" would make it a directory.
        string partial = path + $".{Environment.ProcessId}.partial";
        var run = ExternalTool.Run(
            "mmdebstrap",
            ["--variant=minbase", "--include=adduser", "--skip=output/dev", "--mode=root", "--format=tar", suite, partial, sources!],
            timeout: TimeSpan.FromMinutes(30));
        if (run.ExitCode != 0)
        {
            File.Delete(partial);
        }

        Skip.If(run.ExitCode != 0, $"mmdebstrap of {suite} minbase failed (exit {run.ExitCode}): {run.StandardError[^Math.Min(600, run.StandardError.Length)..]}");
        File.Move(partial, path);
        return path;
    }

    private string BuildLowerTar()
    {
        RequireTools();
        var baseTar = BaseTarball();
        var dir = Directory.CreateTempSubdirectory("aptostree-sbx-lower-").FullName;
        LibcPosixFileSystem.Instance.SetPermissions(dir, 0x1ED);
        var root = Path.Combine(dir, "root");
        Directory.CreateDirectory(root);
        ExternalTool.Run("tar", ["-C", root, "--numeric-owner", "-xf", baseTar]).EnsureSuccess("tar -x " + baseTar);
        var deb = Path.Combine(dir, ProbePackage + ".deb");
        ProbeDeb().Build(deb);
        // The real dpkg unpacks it (files, info/*.list, .md5sums, .postinst, status "install ok unpacked");
        // configuring it is left to the sandbox, as compose does.
        ExternalTool.Run("dpkg", ["--root=" + root, "--force-script-chrootless", "--unpack", deb]).EnsureSuccess("dpkg --unpack " + deb);
        var tar = Path.Combine(dir, "lower.tar");
        ExternalTool.Run("tar", ["-C", root, "--numeric-owner", "-cf", tar, "."]).EnsureSuccess("tar -c");
        ExternalTool.Run("rm", ["-rf", "--one-file-system", root]).EnsureSuccess("rm " + root);
        LibcPosixFileSystem.Instance.SetPermissions(tar, 0x1A4);
        return tar;
    }

    private HardLinkedTree Commit(bool asTestUser)
    {
        var tar = _lowerTar.Value;
        if (asTestUser)
        {
            UnprivilegedTestUser.Ensure();
        }

        var dir = asTestUser ? UnprivilegedTestUser.CreateDirectory("aptostree-sbx-tree-") : Directory.CreateTempSubdirectory("aptostree-sbx-tree-").FullName;
        var repo = Path.Combine(dir, "repo");
        var checkout = Path.Combine(dir, "checkout");
        string[][] steps =
        [
            ["ostree", "--repo=" + repo, "init", "--mode=bare-user"],
            ["ostree", "--repo=" + repo, "commit", "--branch=" + Branch, "--tree=tar=" + tar, "--subject=sandbox test lower tree", "--timestamp=2023-11-14T22:13:20Z"],
            ["ostree", "--repo=" + repo, "checkout", "-U", "--require-hardlinks", Branch, checkout],
        ];
        foreach (var step in steps)
        {
            var result = asTestUser ? UnprivilegedTestUser.Run(step, TimeSpan.FromMinutes(10)) : ExternalTool.Run(step[0], step[1..], timeout: TimeSpan.FromMinutes(10));
            result.EnsureSuccess(string.Join(' ', step));
        }

        return new HardLinkedTree(repo, checkout);
    }
}

/// <summary>The tests that share <see cref="SandboxTrees"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SandboxTreesCollection : ICollectionFixture<SandboxTrees>
{
    public const string Name = "Script sandbox trees";
}
