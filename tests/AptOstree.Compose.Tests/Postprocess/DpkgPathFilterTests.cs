using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Postprocess;

/// <summary>
/// <c>documentation: false</c> and <c>install-langs</c> against the real dpkg: real packages unpacked by
/// <c>dpkg --path-exclude/--path-include</c> with the same rules leave exactly the same files under <c>/usr/share</c>,
/// and <c>dpkg --verify</c> of the filtered tree reports none of the filtered paths.
/// </summary>
public sealed class DpkgPathFilterTests
{
    private static readonly string[] Packages = ["hello", "dpkg", "debianutils"];

    private static SortedSet<string> TreePaths(MutableTree dir, string path, SortedSet<string> into)
    {
        foreach (var name in dir.Files.Keys)
        {
            into.Add(path + "/" + name);
        }

        foreach (var (name, sub) in dir.Directories)
        {
            into.Add(path + "/" + name);
            TreePaths(sub, path + "/" + name, into);
        }

        return into;
    }

    [SkippableFact]
    public void Apply_NoDocumentationGermanAndBrazilian_SameUsrShareAsDpkgPathExcludeAndDpkgVerifyClean()
    {
        ExternalTool.Require("dpkg", "ostree");
        Skip.IfNot(Environment.IsPrivilegedProcess, "dpkg --root keeps the packages' owners only as root (CI runs as root)");
        var debs = Packages.Select(RealDebs.Get).ToList();
        using var tree = new PostprocessTree();
        var importer = new PackageImporter(tree.Repository);
        var assembled = TreeAssembler.Assemble(tree.Repository, debs.Select(d => importer.Import(d)).ToList());
        var filter = DpkgPathFilter.FromTreefile(TreefileLoader.Parse("documentation: false\ninstall-langs: [de, pt_BR]\n", "t.yaml"));

        int removed = filter.Apply(tree.Repository, assembled.Root);

        // The oracle: dpkg itself unpacking the same packages with the same filters.
        string dpkgRoot = tree.Combine("dpkg-root");
        Directory.CreateDirectory(Path.Combine(dpkgRoot, "var/lib/dpkg/info"));
        Directory.CreateDirectory(Path.Combine(dpkgRoot, "var/lib/dpkg/updates"));
        File.WriteAllText(Path.Combine(dpkgRoot, "var/lib/dpkg/status"), string.Empty);
        var filters = filter.Rules.Select(r => (r.Include ? "--path-include=" : "--path-exclude=") + r.Pattern);
        ExternalTool.Run("dpkg", ["--root=" + dpkgRoot, "--force-depends", .. filters, "--unpack", .. debs]).EnsureSuccess("dpkg --unpack");
        var dpkgPaths = new SortedSet<string>(Directory.EnumerateFileSystemEntries(Path.Combine(dpkgRoot, "usr/share"), "*", SearchOption.AllDirectories)
            .Select(p => "/" + Path.GetRelativePath(dpkgRoot, p)), StringComparer.Ordinal);
        var ours = TreePaths(assembled.Root.FindDirectory("usr/share")!, "/usr/share", new SortedSet<string>(StringComparer.Ordinal));
        ours.RemoveWhere(p => p.StartsWith("/" + VarTmpfiles.DpkgDatabase, StringComparison.Ordinal) || p.StartsWith("/" + VarTmpfiles.Factory, StringComparison.Ordinal));

        Assert.True(removed > 100, $"only {removed} paths filtered");
        Assert.Equal(dpkgPaths, ours);
        Assert.Contains("/usr/share/doc/hello/copyright", ours);
        Assert.DoesNotContain("/usr/share/doc/hello/changelog.Debian.gz", ours);
        Assert.Contains("/usr/share/locale/de/LC_MESSAGES/hello.mo", ours);
        Assert.Contains("/usr/share/locale/pt_BR/LC_MESSAGES/hello.mo", ours);
        Assert.DoesNotContain("/usr/share/locale/fr/LC_MESSAGES/hello.mo", ours);

        // dpkg keeps the directories an include names (/usr/share/man/de/man1), but no manual or info page.
        Assert.DoesNotContain(ours, p => (p.StartsWith("/usr/share/man/", StringComparison.Ordinal) || p.StartsWith("/usr/share/info/", StringComparison.Ordinal))
            && assembled.Root.FindFile(p[1..]) is not null);

        // dpkg keeps filtered paths in its file lists, so its own --verify calls them missing; ours drops them.
        var dpkgVerify = ExternalTool.Run("dpkg", ["--root=" + dpkgRoot, "--verify", .. Packages]).StandardOutput;
        Assert.Contains("missing     /usr/share/doc/hello/changelog.Debian.gz", dpkgVerify, StringComparison.Ordinal);
        var (_, checkout) = tree.CommitAndCheckout("filtered", assembled.Root);
        Directory.CreateDirectory(Path.Combine(checkout, "var/lib"));
        File.CreateSymbolicLink(Path.Combine(checkout, "var/lib/dpkg"), "../../" + VarTmpfiles.DpkgDatabase);
        var verify = ExternalTool.Run("dpkg", ["--root=" + checkout, "--verify", .. Packages]);

        // Unpacked, not configured: dpkg's conffiles still wait as .dpkg-new, so --verify calls them missing (flag 'c').
        var problems = verify.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !(l.Length > 11 && l[10] == 'c')).ToList();
        Assert.True(problems.Count == 0 && verify.ExitCode == 0, "dpkg --verify: " + verify.StandardOutput + verify.StandardError);
        string list = File.ReadAllText(Path.Combine(checkout, VarTmpfiles.DpkgDatabase, "info/hello.list"));
        Assert.Contains("/usr/share/doc/hello/copyright\n", list, StringComparison.Ordinal);
        Assert.DoesNotContain("/usr/share/locale/fr/", list, StringComparison.Ordinal);
        Assert.DoesNotContain("usr/share/man/", File.ReadAllText(Path.Combine(checkout, VarTmpfiles.DpkgDatabase, "info/hello.md5sums")), StringComparison.Ordinal);
        Assert.Equal(
            filter.Rules.Select(r => (r.Include ? "path-include=" : "path-exclude=") + r.Pattern),
            File.ReadAllLines(Path.Combine(checkout, DpkgPathFilter.ConfigFile)).Where(l => !l.StartsWith('#')));
    }

    [Theory]
    [InlineData("/usr/share/doc/hello/changelog.gz", false, true)]
    [InlineData("/usr/share/doc/hello/copyright", false, false)]
    [InlineData("/usr/share/doc/hello", true, false)]
    [InlineData("/usr/share/doc/libfoo", true, false)]
    [InlineData("/usr/share/doc", true, false)]
    [InlineData("/usr/share/man/man1/ls.1.gz", false, true)]
    [InlineData("/usr/share/locale/de/LC_MESSAGES/x.mo", false, false)]
    [InlineData("/usr/share/locale/de_AT/LC_MESSAGES/x.mo", false, false)]
    [InlineData("/usr/share/locale/fr/LC_MESSAGES/x.mo", false, true)]
    [InlineData("/usr/share/locale/fr", true, true)]
    [InlineData("/usr/share/locale/locale.alias", false, false)]
    [InlineData("/usr/bin/ls", false, false)]
    public void ShouldSkip_NoDocumentationGerman_FollowsDpkgsLastMatchAndDirectoryRules(string path, bool directory, bool skipped)
    {
        var filter = DpkgPathFilter.FromTreefile(TreefileLoader.Parse("documentation: false\ninstall-langs: [de]\n", "t.yaml"));
        Assert.Equal(skipped, filter.ShouldSkip(path, directory));
    }

    [Theory]
    [InlineData("/usr/share/doc/*", "/usr/share/doc/a/b/c", true)]
    [InlineData("/usr/share/man/[!m]*", "/usr/share/man/de/man1/x.1", true)]
    [InlineData("/usr/share/man/[!m]*", "/usr/share/man/man1/x.1", false)]
    [InlineData("/a/?/c", "/a/b/c", true)]
    [InlineData("/a/[b-d]x", "/a/cx", true)]
    [InlineData("/a/[b-d]x", "/a/ex", false)]
    [InlineData("/a/\\*", "/a/*", true)]
    [InlineData("/a/\\*", "/a/b", false)]
    [InlineData("/a/[", "/a/[", true)]
    [InlineData("/usr/share/locale/de_*/*", "/usr/share/locale/de/x", false)]
    public void DpkgGlob_Patterns_MatchAsFnmatchWithoutFlags(string pattern, string path, bool match) =>
        Assert.Equal(match, DpkgGlob.IsMatch(pattern, path));

    [Fact]
    public void FromTreefile_DocumentationAndAllLanguages_IsEmptyAndChangesNothing()
    {
        var filter = DpkgPathFilter.FromTreefile(TreefileLoader.Parse("ref: x\n", "t.yaml"));
        Assert.True(filter.IsEmpty);
        using var tree = new PostprocessTree();
        tree.File("usr/share/doc/x/README", "x");
        Assert.Equal(0, filter.Apply(tree.Repository, tree.Root));
        Assert.NotNull(tree.Root.FindFile("usr/share/doc/x/README"));
        Assert.Null(tree.Root.FindFile(DpkgPathFilter.ConfigFile));
    }
}
