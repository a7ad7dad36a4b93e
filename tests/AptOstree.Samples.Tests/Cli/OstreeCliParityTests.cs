using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>
/// `apt-ostree ostree rev-parse|config|refs|summary --view` against the real ostree on the same repository: the same
/// output, or the same repository state after the same commands; bad input gives one `AO…` line and exit code 2.
/// </summary>
public class OstreeCliParityTests
{
    private const string Timestamp = "2023-11-14 22:13:20 UTC";

    [SkippableFact]
    public void RevParse_RefsRemoteRefsParentsAndChecksumPrefixes_PrintWhatRealOstreePrints()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var repo = NewRepoWithHistory(tmp, commits: 2);
        Ostree(repo, "refs", "--create=origin:os/stable", "os/devel");
        var head = Ostree(repo, "rev-parse", "os/devel").Trim();

        foreach (var rev in new[] { "os/devel", "os/devel^", head, head[..2], head[..7], "origin:os/stable" })
        {
            var expected = Ostree(repo, "rev-parse", rev);
            Assert.Matches("^[0-9a-f]{64}\n$", expected);
            Assert.Equal(expected, Ok(SampleTools.AptOstree("ostree", "rev-parse", $"--repo={repo}", rev)));
        }

        // A rev made only of hex digits is tried as a commit-checksum prefix before it is tried as a ref name.
        var parent = Ostree(repo, "rev-parse", "os/devel^").Trim();
        // (ostree's own `refs --create` refuses such a name, resolving it as the prefix; write the ref file as a tool could.)
        File.WriteAllText(Path.Combine(repo, "refs", "heads", parent[..4]), head + "\n");
        Assert.Equal(parent + "\n", Ostree(repo, "rev-parse", parent[..4]));
        Assert.Equal(parent + "\n", Ok(SampleTools.AptOstree("ostree", "rev-parse", $"--repo={repo}", parent[..4])));
        File.Delete(Path.Combine(repo, "refs", "heads", parent[..4]));

        // ostree also takes --repo before the verb; the verb's own --repo wins.
        Assert.Equal(Ostree(repo, "rev-parse", "os/devel"), Ok(SampleTools.AptOstree("ostree", $"--repo={repo}", "rev-parse", "os/devel")));
        Assert.Equal(Sorted(Ostree(repo, "refs")), Sorted(Ok(SampleTools.AptOstree("ostree", $"--repo={tmp.Combine("elsewhere")}", "refs", $"--repo={repo}"))));
        AssertOneLineError(SampleTools.AptOstree("ostree", $"--repo={tmp.Combine("elsewhere")}", "refs"), "AO3005");

        Assert.NotEqual(0, ExternalTool.Run("ostree", ["rev-parse", $"--repo={repo}", "nosuch"]).ExitCode);
        AssertOneLineError(SampleTools.AptOstree("ostree", "rev-parse", $"--repo={repo}", "nosuch"), "AO3006");
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["rev-parse", $"--repo={repo}", "os/devel^^"]).ExitCode);
        AssertOneLineError(SampleTools.AptOstree("ostree", "rev-parse", $"--repo={repo}", "os/devel^^"), "AO3006");
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["rev-parse", $"--repo={repo}", "--single"]).ExitCode);
        AssertOneLineError(SampleTools.AptOstree("ostree", "rev-parse", $"--repo={repo}", "--single"), "AO3017");
    }

    [SkippableFact]
    public void RevParse_AmbiguousPrefixFailsLikeRealOstree_SingleCommitRepoPrintsIt()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();

        // 17 commits over 16 hex digits: at least one first digit is shared.
        var repo = NewRepoWithHistory(tmp, commits: 17);
        var shared = Directory.EnumerateFiles(Path.Combine(repo, "objects"), "*.commit", SearchOption.AllDirectories)
            .Select(f => Path.GetFileName(Path.GetDirectoryName(f))![..1])
            .GroupBy(d => d).First(g => g.Count() > 1).Key;
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["rev-parse", $"--repo={repo}", shared]).ExitCode);
        AssertOneLineError(SampleTools.AptOstree("ostree", "rev-parse", $"--repo={repo}", shared), "AO3006");

        var single = NewRepoWithHistory(tmp, commits: 1, name: "single");
        var expected = Ostree(single, "rev-parse", "--single");
        Assert.Equal(Ostree(single, "rev-parse", "os/devel"), expected);
        Assert.Equal(expected, Ok(SampleTools.AptOstree("ostree", "rev-parse", $"--repo={single}", "--single")));
    }

    [SkippableFact]
    public void Config_GetSetUnset_SameValuesAndSameConfigFileAsRealOstree()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var theirs = tmp.Combine("theirs");
        var ours = tmp.Combine("ours");
        ExternalTool.Output("ostree", "init", $"--repo={theirs}", "--mode=bare-user");
        ExternalTool.Output("ostree", "init", $"--repo={ours}", "--mode=bare-user");
        string[][] edits =
        [
            ["set", "core.min-free-space-percent", "5"],
            ["set", "remote \"origin\".url", "file:///srv/repo"],
            ["set", "extra.a.b", " \tleading blanks, tab\there, back\\slash"],
            ["unset", "core.min-free-space-percent"],
            ["unset", "nosuch.key"],
            ["--group=grouped", "set", "key", "value"],
        ];
        foreach (var edit in edits)
        {
            ExternalTool.Output("ostree", ["config", $"--repo={theirs}", .. edit]);
            Ok(SampleTools.AptOstree(["ostree", "config", $"--repo={ours}", .. edit]));
        }

        Assert.Equal(File.ReadAllText(Path.Combine(theirs, "config")), File.ReadAllText(Path.Combine(ours, "config")));
        foreach (var key in new[] { "core.mode", "remote \"origin\".url", "extra.a.b" })
        {
            var expected = ExternalTool.Output("ostree", "config", $"--repo={theirs}", "get", key);
            Assert.Equal(expected, Ok(SampleTools.AptOstree("ostree", "config", $"--repo={theirs}", "get", key)));
            Assert.Equal(expected, Ok(SampleTools.AptOstree("ostree", "config", $"--repo={ours}", "get", key)));
        }

        Assert.Equal("value\n", Ok(SampleTools.AptOstree("ostree", "config", $"--repo={theirs}", "--group=grouped", "get", "key")));
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["config", $"--repo={theirs}", "get", "core.nosuch"]).ExitCode);
        AssertOneLineError(SampleTools.AptOstree("ostree", "config", $"--repo={ours}", "get", "core.nosuch"), "AO3018");
        AssertOneLineError(SampleTools.AptOstree("ostree", "config", $"--repo={ours}", "get", "nosuch.key"), "AO3018");
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["config", $"--repo={theirs}", "get", "nodot"]).ExitCode);
        AssertOneLineError(SampleTools.AptOstree("ostree", "config", $"--repo={ours}", "get", "nodot"), "AO3017");
        AssertOneLineError(SampleTools.AptOstree("ostree", "config", $"--repo={ours}", "frob", "core.mode"), "AO3017");
    }

    [SkippableFact]
    public void Refs_ListingWithPrefixesListAndAlias_PrintsWhatRealOstreePrints()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var repo = NewRepoWithHistory(tmp, commits: 1);
        Ostree(repo, "refs", "--create=os/x86_64/stable", "os/devel");
        Ostree(repo, "refs", "--create=origin:os/x86_64/stable", "os/devel");
        Ostree(repo, "refs", "--alias", "--create=os/latest", "os/x86_64/stable");

        string[][] listings =
        [
            [], ["os"], ["--list", "os"], ["os/x86_64"], ["os/devel"], ["o"], ["origin:"], ["origin:os"], ["--list", "origin:os"],
            ["--alias"], ["--alias", "os"], ["os", "origin:os"],
        ];
        foreach (var args in listings)
        {
            var expected = Sorted(Ostree(repo, ["refs", .. args]));
            Assert.Equal(expected, Sorted(Ok(SampleTools.AptOstree(["ostree", "refs", $"--repo={repo}", .. args]))));
        }

        Assert.Contains("os/latest -> os/x86_64/stable", Ostree(repo, "refs", "--alias", "os"), StringComparison.Ordinal);
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["refs", $"--repo={repo}", "os/"]).ExitCode);
        AssertOneLineError(SampleTools.AptOstree("ostree", "refs", $"--repo={repo}", "os/"), "AO3007");
    }

    [SkippableFact]
    public void Refs_CreateForceAliasDelete_LeaveTheSameRefsAsRealOstree()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var theirs = NewRepoWithHistory(tmp, commits: 2, name: "theirs");
        var ours = tmp.Combine("ours");
        CopyDirectory(theirs, ours);
        string[][] steps =
        [
            ["--create=x/new", "os/devel^"],
            ["--create=x/new", "--force", "os/devel"],
            ["--alias", "--create=x/y/alias", "x/new"],
            ["--alias", "--create=top", "os/devel"],
            ["--create=origin:os/devel", "os/devel^"],
            ["--delete", "top", "x/y"],
            ["--delete", "origin:os"],
        ];
        foreach (var step in steps)
        {
            Ostree(theirs, ["refs", .. step]);
            Ok(SampleTools.AptOstree(["ostree", "refs", $"--repo={ours}", .. step]));
            Assert.Equal(DescribeRefs(theirs), DescribeRefs(ours));
            if (step[1] == "--create=x/y/alias")
            {
                Assert.Contains("l heads/x/y/alias -> ../../x/new", DescribeRefs(ours));
            }
        }

        Assert.Empty(Ostree(ours, "refs", "--alias"));
        Ostree(ours, "refs", "--alias", "--create=keep", "x/new");

        string[][] failing =
        [
            ["--create=x/new", "os/devel"],
            ["--alias", "--create=dangling", "nosuch"],
            ["--create=other", "nosuch"],
            ["--delete", "x"],
            ["--delete"],
        ];
        foreach (var args in failing)
        {
            var before = DescribeRefs(ours);
            Assert.NotEqual(0, ExternalTool.Run("ostree", ["refs", $"--repo={ours}", .. args]).ExitCode);
            AssertOneLineError(SampleTools.AptOstree(["ostree", "refs", $"--repo={ours}", .. args]), "AO30");
            Assert.Equal(before, DescribeRefs(ours));
        }
    }

    [SkippableFact]
    public void SummaryView_OfRealAndOfOurSummary_PrintsWhatRealOstreePrints()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var repo = NewRepoWithHistory(tmp, commits: 2);
        Ostree(repo, "refs", "--create=os/x86_64/stable", "os/devel^");
        AssertOneLineError(SampleTools.AptOstree("ostree", "summary", $"--repo={repo}", "--view"), "AO3004");

        Ostree(repo, "summary", "-u");
        var expected = Ostree(repo, "summary", "--view");
        Assert.Contains("Timestamp (ostree.commit.timestamp): ", expected, StringComparison.Ordinal);
        Assert.Contains("Repository Mode (ostree.summary.mode): bare-user", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Ok(SampleTools.AptOstree("ostree", "summary", $"--repo={repo}", "--view")));

        Ok(SampleTools.AptOstree("ostree", "summary", $"--repo={repo}", "-u"));
        Assert.Equal(Ostree(repo, "summary", "--view"), Ok(SampleTools.AptOstree("ostree", "summary", $"--repo={repo}", "-v")));

        // Additional metadata of any type prints as g_variant_print shows it.
        Ostree(repo, "summary", "-u", "-m", "custom=uint32 7", "-m", "name=\"it's\"", "-m", "nested={\"a\": <int16 -3>}");
        expected = Ostree(repo, "summary", "--view");
        Assert.Contains("nested: {'a': <int16 -3>}", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Ok(SampleTools.AptOstree("ostree", "summary", $"--repo={repo}", "--view")));
    }

    [SkippableFact]
    public void LogAndShowRaw_PrintWhatRealOstreePrints()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var repo = NewRepoWithHistory(tmp, commits: 2);
        Directory.CreateDirectory(tmp.Combine("empty"));
        ExternalTool.Output(
            "ostree", "commit", $"--repo={repo}", "-b", "os/devel", $"--tree=dir={tmp.Combine("empty")}", $"--timestamp={Timestamp}", "-s", "tab\there 'quoted' é",
            "--add-metadata=small=<int16 -3>", "--add-metadata=count=uint32 7", "--add-metadata=big=uint64 9", "--add-metadata=dict={\"a\": <1>}",
            "--add-metadata=path=objectpath \"/x\"", "--add-metadata=none=@as []", "--add-metadata=flag=true", "--add-metadata-string=version=1.0");
        var expected = Ostree(repo, "log", "os/devel", "--raw");
        Assert.Contains("'small': <<int16 -513>>", expected, StringComparison.Ordinal);
        Assert.Equal(3, expected.Split('\n').Count(l => l.StartsWith("commit ", StringComparison.Ordinal)));
        Assert.Equal(expected, Ok(SampleTools.AptOstree("ostree", "log", $"--repo={repo}", "os/devel", "--raw")));
        Assert.Equal(Ostree(repo, "show", "os/devel^", "--raw"), Ok(SampleTools.AptOstree("ostree", "show", $"--repo={repo}", "os/devel^", "--raw")));
        AssertOneLineError(SampleTools.AptOstree("ostree", "log", $"--repo={repo}", "nosuch", "--raw"), "AO3006");
    }

    [SkippableFact]
    public void Commit_BodyFileMetadataOrphanNoXattrsSkipIfUnchanged_SameCommitsAsRealOstree()
    {
        ExternalTool.Require("ostree", "setfattr");
        using var tmp = new TempDirectory();
        var tree = tmp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        File.WriteAllText(Path.Combine(tree, "etc", "motd"), "hello\n");
        bool xattrs = ExternalTool.Run("setfattr", ["-n", "user.note", "-v", "kept", Path.Combine(tree, "etc", "motd")]).ExitCode == 0;
        var bodyFile = tmp.Combine("body.txt");
        File.WriteAllText(bodyFile, "a body\nfrom a file\n");
        var theirs = tmp.Combine("theirs");
        var ours = tmp.Combine("ours");
        ExternalTool.Output("ostree", "init", $"--repo={theirs}", "--mode=bare-user");
        Ok(SampleTools.AptOstree("ostree", "init", $"--repo={ours}", "--mode=bare-user"));
        string[][] commits =
        [
            ["-b", "os", "-s", "first", "-F", bodyFile, "--add-metadata-string=version=1.0", "--add-metadata-string=x=a=b"],
            ["-b", "os", "-s", "kept", "--keep-metadata=x", "--keep-metadata=version", "--add-metadata-string=z=1"],
            ["-b", "os", "-s", "unchanged", "--skip-if-unchanged"],
            ["-b", "os", "-s", "no xattrs", "--no-xattrs", "--skip-if-unchanged"],
            ["-b", "os", "-s", "restart", "-m", "body", "--orphan"],
            ["--orphan", "-s", "unreferenced"],
            ["--orphan", "--bind-ref=z", "--bind-ref=a", "-s", "bound"],
        ];
        var printed = new List<string>();
        foreach (var args in commits)
        {
            var expected = ExternalTool.Output("ostree", ["commit", $"--repo={theirs}", $"--tree=dir={tree}", $"--timestamp={Timestamp}", .. args]);
            Assert.Equal(expected, Ok(SampleTools.AptOstree(["ostree", "commit", $"--repo={ours}", $"--tree=dir={tree}", $"--timestamp={Timestamp}", .. args])));
            printed.Add(expected);
        }

        Assert.Equal(printed[1], printed[2]);
        Assert.Equal(xattrs, printed[3] != printed[2]);
        Assert.Equal(Ostree(theirs, "log", "os", "--raw"), Ostree(ours, "log", "os", "--raw"));
        Assert.Contains("'x': <'a=b'>", Ostree(ours, "show", printed[1].Trim(), "--raw"), StringComparison.Ordinal);
        Assert.Equal(Sorted(Ostree(theirs, "refs")), Sorted(Ostree(ours, "refs")));

        AssertOneLineError(SampleTools.AptOstree("ostree", "commit", $"--repo={ours}", $"--tree=dir={tree}", "-s", "no branch"), "AO3017");
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["commit", $"--repo={theirs}", $"--tree=dir={tree}", "-s", "no branch"]).ExitCode);
        AssertOneLineError(SampleTools.AptOstree("ostree", "commit", $"--repo={ours}", "-b", "os", $"--tree=dir={tree}", "--add-metadata-string=novalue"), "AO");
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["commit", $"--repo={theirs}", "-b", "os", $"--tree=dir={tree}", "--keep-metadata=nosuch"]).ExitCode);
        AssertOneLineError(SampleTools.AptOstree("ostree", "commit", $"--repo={ours}", "-b", "os", $"--tree=dir={tree}", "--keep-metadata=nosuch"), "AO3017");
        Assert.Equal(Sorted(Ostree(theirs, "refs")), Sorted(Ostree(ours, "refs")));
        Assert.Equal(Ostree(theirs, "rev-parse", "os"), Ostree(ours, "rev-parse", "os"));
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["commit", $"--repo={theirs}", "-b", "os", $"--tree=dir={tree}", "--add-metadata-string=novalue"]).ExitCode);
    }

    [SkippableFact]
    public void CommitAddMetadata_GVariantTextValues_SameCommitsAsRealOstree()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var tree = tmp.Combine("tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "f"), "f\n");
        var theirs = tmp.Combine("theirs");
        var ours = tmp.Combine("ours");
        ExternalTool.Output("ostree", "init", $"--repo={theirs}", "--mode=bare-user");
        ExternalTool.Output("ostree", "init", $"--repo={ours}", "--mode=bare-user");
        string[] values =
        [
            "1", "-7", "uint64 5", "int64 -5", "uint16 65535", "byte 0xff", "uint32 0x10", "0.1", "1e5", "true", "'it\\'s'", "\"quoted\"",
            "b'bytes'", "objectpath '/a/b'", "<'nested'>", "<<int16 -3>>", "[1, 2]", "[[1], [2, 3]]", "@as []", "@a{sv} {}", "('one',)",
            "('x', 2, true)", "{'k': <1.5>, 'l': <'s'>}", "[(1, 'x')]", "[<1>, <'s'>]",
        ];
        foreach (var value in values)
        {
            string[] args = ["--orphan", $"--tree=dir={tree}", $"--timestamp={Timestamp}", "-s", $"value {value}", $"--add-metadata=v={value}", "--add-metadata-string=s=first"];
            var expected = ExternalTool.Output("ostree", ["commit", $"--repo={theirs}", .. args]);
            Assert.Equal(expected, Ok(SampleTools.AptOstree(["ostree", "commit", $"--repo={ours}", .. args])));
        }

        foreach (var bad in new[] { "nothing", "[1, 'a']", "int32 4294967296", "[]", "'unterminated" })
        {
            Assert.NotEqual(0, ExternalTool.Run("ostree", ["commit", $"--repo={theirs}", "--orphan", $"--tree=dir={tree}", $"--add-metadata=v={bad}"]).ExitCode);
            AssertOneLineError(SampleTools.AptOstree("ostree", "commit", $"--repo={ours}", "--orphan", $"--tree=dir={tree}", $"--add-metadata=v={bad}"), "AO3017");
        }
    }

    [SkippableFact]
    public void PullLocalUntrusted_CopiesWhatRealOstreeCopies_RejectsACorruptSourceLikeIt()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        var source = NewRepoWithHistory(tmp, commits: 2, name: "source");
        var theirs = tmp.Combine("theirs");
        var ours = tmp.Combine("ours");
        ExternalTool.Output("ostree", "init", $"--repo={theirs}", "--mode=bare-user");
        ExternalTool.Output("ostree", "init", $"--repo={ours}", "--mode=bare-user");
        ExternalTool.Output("ostree", "pull-local", $"--repo={theirs}", "--untrusted", "--depth=-1", source, "os/devel");
        Ok(SampleTools.AptOstree("ostree", "pull-local", $"--repo={ours}", "--untrusted", "--depth=-1", source, "os/devel"));
        Assert.Equal(Ostree(theirs, "log", "os/devel"), Ostree(ours, "log", "os/devel"));
        ExternalTool.Run("ostree", ["fsck", $"--repo={ours}"]).EnsureSuccess("ostree fsck");

        // Same size, different bytes: only re-hashing the copied object notices.
        // Its head holds "version 2", which neither destination has yet, so both must copy it.
        var corrupt = NewRepoWithHistory(tmp, commits: 3, name: "corrupt");
        var tool = Directory.EnumerateFiles(Path.Combine(corrupt, "objects"), "*.file", SearchOption.AllDirectories)
            .Single(f => File.ReadAllText(f) == "version 2\n");
        ExternalTool.Output("chmod", "u+w", tool);
        File.WriteAllText(tool, "VERSION 2\n");
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["pull-local", $"--repo={theirs}", "--untrusted", corrupt, "os/devel"]).ExitCode);
        AssertOneLineError(SampleTools.AptOstree("ostree", "pull-local", $"--repo={ours}", "--untrusted", corrupt, "os/devel"), "AO1003");
        Assert.Equal(Ostree(theirs, "rev-parse", "os/devel"), Ostree(ours, "rev-parse", "os/devel"));
        Assert.Equal(Ostree(source, "rev-parse", "os/devel"), Ostree(ours, "rev-parse", "os/devel"));
    }

    [SkippableFact]
    public void Ls_DirOnlyXattrsChecksumsRecursiveNulNames_PrintWhatRealOstreePrints()
    {
        ExternalTool.Require("ostree", "setfattr");
        using var tmp = new TempDirectory();
        var tree = tmp.Combine("tree");
        var bin = Path.Combine(tree, "usr", "bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "hi"), "hi\n");
        File.CreateSymbolicLink(Path.Combine(bin, "hi-link"), "hi");
        foreach (var (name, value, target) in new[] { ("user.a", "x y", "usr/bin/hi"), ("user.q", "it's", "usr/bin/hi"), ("user.b", "1", "usr/bin"), ("user.é", "0x00", "usr") })
        {
            Skip.If(ExternalTool.Run("setfattr", ["-n", name, "-v", value, Path.Combine(tree, target)]).ExitCode != 0, "no user xattrs on this file system");
        }

        var repo = tmp.Combine("repo");
        ExternalTool.Output("ostree", "init", $"--repo={repo}", "--mode=bare-user");
        ExternalTool.Output("ostree", "commit", $"--repo={repo}", "-b", "t", $"--tree=dir={tree}", $"--timestamp={Timestamp}");
        string[][] listings =
        [
            ["-d", "/usr"], ["-d", "/usr/bin/hi"], ["-X", "/usr/bin"], ["-X", "-d", "/usr/bin"], ["-R", "-X", "-C"], ["-X", "/usr/bin/hi-link"],
            ["--nul-filenames-only", "-R", "/"], ["/", "/usr"], ["-C", "/usr/bin/hi"],
        ];
        foreach (var args in listings)
        {
            var expected = Ostree(repo, ["ls", "t", .. args]);
            Assert.Equal(expected, Ok(SampleTools.AptOstree(["ostree", "ls", $"--repo={repo}", "t", .. args])));
        }

        Assert.Contains("{ [(b'user.a', [byte 0x78, 0x20, 0x79]), (b'user.q', [0x69, 0x74, 0x27, 0x73])] } /usr/bin/hi", Ostree(repo, "ls", "t", "-X", "/usr/bin/hi"), StringComparison.Ordinal);
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["ls", $"--repo={repo}", "t", "/nosuch"]).ExitCode);
        AssertOneLineError(SampleTools.AptOstree("ostree", "ls", $"--repo={repo}", "t", "/nosuch"), "AO3011");
    }

    /// <summary>A bare-user repository whose <c>os/devel</c> has <paramref name="commits"/> commits, written by the real ostree.</summary>
    private static string NewRepoWithHistory(TempDirectory tmp, int commits, string name = "repo")
    {
        var repo = tmp.Combine(name);
        var tree = tmp.Combine(name + "-tree");
        Directory.CreateDirectory(Path.Combine(tree, "usr", "bin"));
        ExternalTool.Output("ostree", "init", $"--repo={repo}", "--mode=bare-user");
        for (int i = 0; i < commits; i++)
        {
            File.WriteAllText(Path.Combine(tree, "usr", "bin", "tool"), $"version {i}\n");
            ExternalTool.Output("ostree", "commit", $"--repo={repo}", "-b", "os/devel", $"--tree=dir={tree}", "-s", $"commit {i}", $"--timestamp={Timestamp}");
        }

        return repo;
    }

    private static string Ostree(string repo, params string[] args) =>
        ExternalTool.Output("ostree", [args[0], $"--repo={repo}", .. args[1..]]);

    /// <summary>Every entry under <c>refs/</c>: directories, ref files with their content, aliases with their link text.</summary>
    private static List<string> DescribeRefs(string repo)
    {
        var refs = Path.Combine(repo, "refs");
        var lines = new DirectoryInfo(refs).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(e => e switch
            {
                _ when e.LinkTarget is { } target => $"l {Path.GetRelativePath(refs, e.FullName)} -> {target}",
                DirectoryInfo => $"d {Path.GetRelativePath(refs, e.FullName)}",
                _ => $"f {Path.GetRelativePath(refs, e.FullName)} {File.ReadAllText(e.FullName).Trim()}",
            })
            .ToList();
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static void CopyDirectory(string from, string to) => ExternalTool.Output("cp", "-a", from, to);

    private static string Sorted(string lines) =>
        string.Join('\n', lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    private static string Ok(ToolResult result)
    {
        Assert.True(result.ExitCode == 0, $"apt-ostree exited {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
        return result.StandardOutput;
    }

    private static void AssertOneLineError(ToolResult result, string codePrefix) => OstreeCliTests.AssertOneLineError(result, codePrefix);
}
