using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Pipeline;

/// <summary>The product end to end: a bookworm minbase treefile composed into a commit, deployed, and checked with the target's own dpkg and apt.</summary>
[Collection(nameof(MinbaseComposeCollection))]
public sealed class MinbaseComposeTests(MinbaseComposeFixture fixture)
{
    private void Require()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        if (fixture.Failure is { } failure)
        {
            throw new InvalidOperationException("The minbase compose failed: " + failure, failure);
        }
    }

    private ToolResult InTree(params string[] argv) =>
        ExternalTool.Run("bwrap", ["--bind", fixture.Root, "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/run", "--unshare-net",
            "--setenv", "PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "--setenv", "LC_ALL", "C", .. argv]);

    [SkippableFact]
    public void Compose_BookwormMinbase_CommitsOnTheRefAndOstreeFsckIsClean()
    {
        Require();
        Assert.True(fixture.First.Changed || fixture.First.Commit is not null);
        var repo = OstreeRepository.Open(fixture.RepositoryPath);
        Assert.Equal(fixture.First.Commit, repo.Refs.TryResolve(fixture.First.Ref));
        Assert.Contains(fixture.First.Packages, p => p.Name == "dpkg");
        Assert.Contains(fixture.First.Packages, p => p.Name == "apt");
        Assert.DoesNotContain(fixture.First.Packages, p => p.Name == "systemd");
        ExternalTool.Run("ostree", ["fsck", "--repo=" + fixture.RepositoryPath]).EnsureSuccess("ostree fsck");
        string show = ExternalTool.Run("ostree", ["show", "--repo=" + fixture.RepositoryPath, "--print-metadata-key=aptostree.inputhash", fixture.First.Commit!.Value.ToString()]).EnsureSuccess("ostree show").StandardOutput;
        Assert.Contains(fixture.First.InputHash, show, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Compose_SameTreefileTwice_SameCommitAndNoChanges()
    {
        Require();
        Assert.False(fixture.Second.Changed);
        Assert.Equal(fixture.First.Commit, fixture.Second.Commit);
        Assert.Equal(fixture.First.InputHash, fixture.Second.InputHash);
    }

    [SkippableFact]
    public void DeployedTree_DpkgListsEveryPackageInstalled()
    {
        Require();
        var result = InTree("dpkg-query", "-W", "-f", "${db:Status-Abbrev} ${Package}\n").EnsureSuccess("dpkg-query -W");
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(fixture.First.Packages.Select(p => p.Name).Distinct().Order(StringComparer.Ordinal), lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]).Order(StringComparer.Ordinal));
        Assert.All(lines, l => Assert.StartsWith("ii ", l, StringComparison.Ordinal));
    }

    [SkippableFact]
    public void DeployedTree_DpkgAuditAndAptGetCheck_AreClean()
    {
        Require();
        var audit = InTree("dpkg", "--audit");
        Assert.True(audit.ExitCode == 0 && audit.StandardOutput.Trim().Length == 0, $"dpkg --audit: {audit.StandardOutput}{audit.StandardError}");
        InTree("apt-get", "check", "-o", "Debug::NoLocking=1").EnsureSuccess("apt-get check");
    }

    [SkippableFact]
    public void DeployedTree_DpkgVerify_ReportsOnlyConffilesChangedByScripts()
    {
        Require();
        var verify = InTree("dpkg", "--verify");
        var problems = verify.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)

            // A conffile edited by its own postinst (dpkg --verify flags the digest, as on any Debian system). A line is
            // nine check characters, a space, the file type ('c' for a conffile, else a space), a space and the path:
            // "??5?????? c /etc/login.defs".
            .Where(l => !(l.Length > 12 && l[10] == 'c' && l[2] == '5'))
            .ToList();
        Assert.True(problems.Count == 0, "dpkg --verify: " + string.Join('\n', problems));
    }

    [SkippableFact]
    public void DeployedTree_BashAndAptGetRun()
    {
        Require();
        Assert.Equal("ok", InTree("bash", "-c", "echo ok").EnsureSuccess("bash").StandardOutput.Trim());
        Assert.StartsWith("apt ", InTree("apt-get", "--version").EnsureSuccess("apt-get --version").StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void DeployedTree_OstreeLayout_EtcInUsrVarFromTmpfilesDpkgDatabaseInUsr()
    {
        Require();
        var repo = OstreeRepository.Open(fixture.RepositoryPath);
        var tree = MutableTree.FromCommit(repo, fixture.First.Commit!.Value);
        Assert.NotNull(tree.FindDirectory("usr/etc"));
        Assert.Null(tree.FindDirectory("etc"));
        Assert.True(tree.FindDirectory("var")!.IsEmpty);
        Assert.True(tree.FindDirectory("boot") is null || tree.FindDirectory("boot")!.IsEmpty);
        Assert.NotNull(tree.FindFile(VarTmpfiles.DpkgDatabase + "/status"));
        Assert.Equal(0, new FileInfo(Path.Combine(fixture.Root, "etc/machine-id")).Length);
    }

    [SkippableFact]
    public async Task Compose_FailingPostinst_NamesPackageAndScriptAndCommitsNothing()
    {
        Require();
        var treefile = TreefileLoader.Parse("ref: test/failing\nbase: debian:12\nvariant: minbase\nscripts:\n  replace:\n    base-files.postinst: \"#!/bin/sh\\nexit 3\\n\"\n", "failing.yaml");
        var repo = OstreeRepository.Open(fixture.RepositoryPath);
        var work = Directory.CreateTempSubdirectory("aptostree-failing-").FullName;
        var ex = await Assert.ThrowsAsync<AptOstreeException>(() => new TreeComposer(repo).ComposeAsync(treefile,
            new ComposeOptions { CacheDirectory = fixture.CacheDirectory, ListsDirectory = fixture.ListsDirectory, WorkDirectory = Path.Combine(work, "w") }));
        Assert.Equal(ComposeErrorCodes.ScriptFailed, ex.ErrorCode);
        Assert.Contains("base-files", ex.Message, StringComparison.Ordinal);
        Assert.Contains("postinst", ex.Message, StringComparison.Ordinal);
        Assert.Null(OstreeRepository.Open(fixture.RepositoryPath).Refs.TryResolve("test/failing"));
        ExternalTool.Run("ostree", ["fsck", "--repo=" + fixture.RepositoryPath]).EnsureSuccess("ostree fsck");
    }

    [SkippableFact]
    public async Task Compose_PostinstAppendsToItsOwnPackagedFile_CommitHasTheAppendAndImportAndOstreeFsckStayClean()
    {
        Require();
        const string File = "usr/share/base-files/motd";
        var treefile = TreefileLoader.Parse(
            "ref: test/appending-postinst\nbase: debian:12\nvariant: minbase\nscripts:\n  replace:\n    base-files.postinst: \"#!/bin/sh\\nset -e\\necho appended-by-postinst >> /" + File + "\\n\"\n",
            "appending.yaml");
        var repo = OstreeRepository.Open(fixture.RepositoryPath);
        var baseFiles = fixture.First.Packages.Single(p => p.Name == "base-files");
        var imported = repo.Refs.TryResolve(PackageRefs.For(baseFiles.Name, baseFiles.Version, baseFiles.Architecture))!.Value;
        string original = Read(repo, MutableTree.FromCommit(repo, imported).FindFile(File)!.Value);

        // The lower tree of the scripts is a hard-link checkout of the repository: the append must land in a copy.
        var work = Directory.CreateTempSubdirectory("aptostree-append-").FullName;
        var result = await new TreeComposer(repo).ComposeAsync(treefile,
            new ComposeOptions { CacheDirectory = fixture.CacheDirectory, ListsDirectory = fixture.ListsDirectory, WorkDirectory = Path.Combine(work, "w"), Force = true });

        Assert.Equal(original + "appended-by-postinst\n", Read(repo, MutableTree.FromCommit(repo, result.Commit!.Value).FindFile(File)!.Value));
        Assert.Equal(original, Read(repo, MutableTree.FromCommit(repo, imported).FindFile(File)!.Value));
        Assert.Equal(original, Read(repo, MutableTree.FromCommit(repo, fixture.First.Commit!.Value).FindFile(File)!.Value));
        var fsck = ExternalTool.Run("ostree", ["fsck", "--repo=" + fixture.RepositoryPath], timeout: TimeSpan.FromMinutes(10));
        Assert.True(fsck.ExitCode == 0 && !(fsck.StandardOutput + fsck.StandardError).Contains("corrupt", StringComparison.OrdinalIgnoreCase), fsck.StandardOutput + fsck.StandardError);

        static string Read(OstreeRepository repository, Checksum file)
        {
            using var content = repository.Objects.OpenContent(file);
            using var reader = new StreamReader(content.Content);
            return reader.ReadToEnd();
        }
    }

    [SkippableFact]
    public async Task Compose_OneMorePackage_OnlyItIsImportedAndTheRestIsReused()
    {
        Require();
        var treefile = TreefileLoader.Parse("ref: test/plus-hello\nbase: debian:12\nvariant: minbase\npackages: [hello]\n", "plus.yaml");
        var repo = OstreeRepository.Open(fixture.RepositoryPath);
        var work = Directory.CreateTempSubdirectory("aptostree-plus-").FullName;
        var result = await new TreeComposer(repo).ComposeAsync(treefile,
            new ComposeOptions { CacheDirectory = fixture.CacheDirectory, ListsDirectory = fixture.ListsDirectory, WorkDirectory = Path.Combine(work, "w"), Force = true });
        Assert.True(result.Changed);
        Assert.Equal(fixture.First.Packages.Select(p => p.Name).Append("hello").Order(StringComparer.Ordinal), result.Packages.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(result.NewlyImported, name => Assert.Equal("hello", name));
        var hello = result.Packages.Single(p => p.Name == "hello");
        Assert.NotNull(repo.Refs.TryResolve(PackageRefs.For(hello.Name, hello.Version, hello.Architecture)));
        var tree = MutableTree.FromCommit(repo, result.Commit!.Value);
        Assert.NotNull(tree.FindFile("usr/bin/hello"));
    }
}
