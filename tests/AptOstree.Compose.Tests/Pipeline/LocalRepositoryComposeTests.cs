using System.Text;
using AptOstree.Compose.Tests.Layering;
using AptOstree.Deb;
using AptOstree.Deb.Apt;
using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Pipeline;

/// <summary>
/// The compose steps before configuration against a small signed APT repository reached as a <c>file:</c> URI (its
/// indexes fetched and verified by our client as for any treefile <c>sources</c>): verified downloads, lockfiles and
/// the input hash. A configured tree needs a shell and dpkg, so full composes are the minbase tests'.
/// </summary>
public sealed class LocalRepositoryComposeTests
{
    private const string Ref = "test/local";

    [Fact]
    public void InputHash_AddedFileBytesChange_HashChanges()
    {
        using var temp = new TempDirectory("aptostree-inputhash-");
        File.WriteAllText(temp.Combine("motd"), "first\n");
        var treefile = TreefileLoader.Parse("ref: test/hash\nadd-files:\n  - [motd, /etc/motd]\n", "hash.yaml", temp.Path);
        var lockfile = new ComposeLockfile([], 0);
        string before = TreeComposer.InputHash(treefile, lockfile);
        Assert.Equal(before, TreeComposer.InputHash(treefile, lockfile));

        // Same path, same length, other bytes: the treefile's text is unchanged, the tree would not be.
        File.WriteAllText(temp.Combine("motd"), "other\n");
        Assert.NotEqual(before, TreeComposer.InputHash(treefile, lockfile));
    }

    [Fact]
    public void InputHash_AddedFileMissing_ThrowsInvalidTreefileNamingIt()
    {
        using var temp = new TempDirectory("aptostree-inputhash-");
        var treefile = TreefileLoader.Parse("ref: test/hash\nadd-files:\n  - [gone.conf, /etc/gone.conf]\n", "hash.yaml", temp.Path);
        var ex = Assert.Throws<AptOstreeException>(() => TreeComposer.InputHash(treefile, new ComposeLockfile([], 0)));
        Assert.Equal(ComposeErrorCodes.InvalidTreefile, ex.ErrorCode);
        Assert.Contains("gone.conf", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Compose_DebNotMatchingTheSha256OfPackages_FailsNamingThePackageAndBothHashesAndLeavesTheRef()
    {
        ExternalTool.Require("gpg", "ostree");
        using var apt = new LayeringAptRepository();
        apt.Add("beta");
        string alpha = apt.Add("alpha", fields: [("Depends", "beta")]);
        apt.Publish();
        string indexed = Sha256Of(alpha);

        // Same size, one byte changed: the server hands out a file the signed Packages index does not describe.
        byte[] bytes = File.ReadAllBytes(alpha);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(alpha, bytes);
        string served = Sha256Of(alpha);

        using var temp = new TempDirectory("aptostree-badhash-");
        var repo = OstreeRepository.Create(temp.Combine("repo"), RepoMode.BareUser);
        var previous = repo.CommitTree(new MutableTree(), new CommitOptions { Branch = Ref, Subject = "before", Timestamp = DateTimeOffset.UnixEpoch });

        var ex = await Assert.ThrowsAsync<AptException>(() => new TreeComposer(repo).ComposeAsync(Treefile(apt, temp.Path, "alpha"), new ComposeOptions { CacheDirectory = temp.Combine("cache") }));

        Assert.Equal(AptErrorCodes.HashMismatch, ex.ErrorCode);
        Assert.Contains("alpha_1.0_amd64.deb", ex.Message, StringComparison.Ordinal);
        Assert.Contains(indexed, ex.Message, StringComparison.Ordinal);
        Assert.Contains(served, ex.Message, StringComparison.Ordinal);
        Assert.Equal(previous, repo.Refs.TryResolve(Ref));
        Assert.False(File.Exists(Path.Combine(temp.Combine("cache"), "debs", "alpha_1.0_amd64.deb")), "the bad download must not stay in the cache");
        ExternalTool.Run("ostree", ["fsck", "--repo=" + temp.Combine("repo")]).EnsureSuccess("ostree fsck");
    }

    [SkippableFact]
    public async Task Compose_Lockfile_InstallsTheLockedVersionsNotTheNewestCandidates()
    {
        ExternalTool.Require("gpg");
        using var apt = new LayeringAptRepository();
        apt.Add("beta");
        apt.Add("alpha", "1.0", [("Depends", "beta")]);
        apt.Publish();
        using var temp = new TempDirectory("aptostree-lockfile-");
        var repo = OstreeRepository.Create(temp.Combine("repo"), RepoMode.BareUser);
        var options = new ComposeOptions { CacheDirectory = temp.Combine("cache"), DryRun = true };
        var first = await new TreeComposer(repo).ComposeAsync(Treefile(apt, temp.Path, "alpha"), options);
        string lockText = first.Lockfile.Format();

        apt.Add("alpha", "2.0", [("Depends", "beta")]);
        apt.Publish();
        var newest = await new TreeComposer(repo).ComposeAsync(Treefile(apt, temp.Path, "alpha"), options);
        var locked = await new TreeComposer(repo).ComposeAsync(Treefile(apt, temp.Path, "alpha"), options with { Lockfile = ComposeLockfile.Parse(lockText, "alpha.lock") });

        Assert.Equal(["alpha 1.0", "beta 1.0"], first.Packages.Select(p => $"{p.Name} {p.Version}").Order(StringComparer.Ordinal));
        Assert.Equal(["alpha 2.0", "beta 1.0"], newest.Packages.Select(p => $"{p.Name} {p.Version}").Order(StringComparer.Ordinal));
        Assert.Equal(["alpha 1.0", "beta 1.0"], locked.Packages.Select(p => $"{p.Name} {p.Version}").Order(StringComparer.Ordinal));
        Assert.Equal(lockText, locked.Lockfile.Format());
        Assert.Equal(first.InputHash, locked.InputHash);
        Assert.NotEqual(first.InputHash, newest.InputHash);
    }

    [SkippableFact]
    public async Task Compose_LockfileNamingAVersionTheRepositoryLacks_ThrowsInvalidLockfileNamingIt()
    {
        ExternalTool.Require("gpg");
        using var apt = new LayeringAptRepository();
        string deb = apt.Add("alpha", "1.0");
        apt.Publish();
        using var temp = new TempDirectory("aptostree-lockfile-");
        var repo = OstreeRepository.Create(temp.Combine("repo"), RepoMode.BareUser);
        var lockfile = new ComposeLockfile([new LockedPackage("alpha", "3.0", "amd64", Sha256Of(deb), new FileInfo(deb).Length, "pool/main/alpha_3.0_amd64.deb")], 1_700_000_000);

        var ex = await Assert.ThrowsAsync<AptOstreeException>(() => new TreeComposer(repo).ComposeAsync(Treefile(apt, temp.Path, "alpha"),
            new ComposeOptions { CacheDirectory = temp.Combine("cache"), Lockfile = ComposeLockfile.Parse(lockfile.Format(), "alpha.lock") }));

        Assert.Equal(ComposeErrorCodes.InvalidLockfile, ex.ErrorCode);
        Assert.Contains("alpha 3.0 amd64 is not in the indexes", ex.Message, StringComparison.Ordinal);
        Assert.Null(repo.Refs.TryResolve(Ref));
    }

    internal static Treefile Treefile(LayeringAptRepository apt, string directory, params string[] packages)
    {
        var text = new StringBuilder($"ref: {Ref}\nvariant: essential\narchitecture: amd64\nsources:\n  - |\n");
        foreach (var line in apt.Deb822.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            text.Append("    ").Append(line).Append('\n');
        }

        text.Append("packages: [").Append(string.Join(", ", packages)).Append("]\n");
        return TreefileLoader.Parse(text.ToString(), "local.yaml", directory);
    }

    private static string Sha256Of(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
}
