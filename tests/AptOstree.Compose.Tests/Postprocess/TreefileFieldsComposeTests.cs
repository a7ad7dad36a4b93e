using System.Text;
using AptOstree.Compose.Tests.Pipeline;
using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Postprocess;

/// <summary>
/// The treefile fields through the whole pipeline: bookworm minbase with <c>documentation: false</c>,
/// <c>install-langs</c>, <c>add-files</c>, <c>remove-files</c> and <c>mutate-os-release</c>, checked in the commit
/// and with the real <c>dpkg --verify</c> of its checkout.
/// </summary>
[Collection(nameof(MinbaseComposeCollection))]
public sealed class TreefileFieldsComposeTests(MinbaseComposeFixture fixture)
{
    private const string Motd = "Composed by apt-ostree from a treefile.\n";

    [SkippableFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Compose_MinbaseWithTheTreefileFields_AppliesEachAndDpkgVerifyReportsOnlyTheIntendedChanges()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        if (fixture.Failure is { } failure)
        {
            throw new InvalidOperationException("The minbase compose failed: " + failure, failure);
        }

        ExternalTool.Require("ostree", "dpkg");
        using var temp = new TempDirectory("aptostree-fields-");
        File.WriteAllText(temp.Combine("motd"), Motd);
        File.WriteAllText(temp.Combine("hello.sh"), "#!/bin/sh\necho hello\n");
        File.SetUnixFileMode(temp.Combine("hello.sh"), (UnixFileMode)0x1ED);
        File.WriteAllText(temp.Combine("fields.yaml"), """
            ref: test/fields
            base: debian:12
            variant: minbase
            automatic-version-prefix: "12.7"
            mutate-os-release: "12"
            documentation: false
            install-langs: [de]
            add-files:
              - [motd, /etc/motd]
              - [hello.sh, /usr/libexec/aptostree-hello]
            remove-files: [usr/share/lintian]
            """);
        var treefile = TreefileLoader.Load(temp.Combine("fields.yaml"));
        var repo = OstreeRepository.Open(fixture.RepositoryPath);

        var result = await new TreeComposer(repo).ComposeAsync(treefile,
            new ComposeOptions { CacheDirectory = fixture.CacheDirectory, ListsDirectory = fixture.ListsDirectory, WorkDirectory = temp.Combine("work"), Force = true });

        var tree = MutableTree.FromCommit(repo, result.Commit!.Value);
        string Text(string path)
        {
            using var content = repo.Objects.OpenContent(tree.FindFile(path) ?? throw new InvalidOperationException(path + " is not in the commit"));
            using var reader = new StreamReader(content.Content, Encoding.UTF8);
            return reader.ReadToEnd();
        }

        Assert.Equal(Motd, Text("usr/etc/motd"));
        Assert.Equal(0x1EDu, repo.Objects.ReadContentHeader(tree.FindFile("usr/libexec/aptostree-hello")!.Value).Mode & 0xFFF);
        Assert.Null(tree.FindDirectory("usr/share/lintian"));
        Assert.Contains("VERSION=\"12.7 (bookworm)\"\n", Text("usr/lib/os-release"), StringComparison.Ordinal);
        Assert.Contains("OSTREE_VERSION='12.7'\n", Text("usr/lib/os-release"), StringComparison.Ordinal);
        Assert.Contains("path-exclude=/usr/share/doc/*\n", Text("usr/etc/" + DpkgPathFilter.ConfigFile["etc/".Length..]), StringComparison.Ordinal);
        var docs = tree.FindDirectory("usr/share/doc")!;
        Assert.NotEmpty(docs.Directories);

        // Only copyright files stay; dpkg also keeps symlinks under a re-included prefix (perl's Changes.gz -> changelog.gz).
        Assert.All(docs.Directories, d => Assert.All(d.Value.Files.Where(f => f.Key != "copyright"), f => Assert.True(repo.Objects.ReadContentHeader(f.Value).IsSymlink, f.Key)));
        Assert.NotNull(tree.FindFile("usr/share/doc/dpkg/copyright"));
        Assert.Null(tree.FindFile("usr/share/man/man1/dpkg.1.gz"));
        Assert.NotNull(tree.FindFile("usr/share/locale/de/LC_MESSAGES/dpkg.mo"));
        Assert.Null(tree.FindFile("usr/share/locale/fr/LC_MESSAGES/dpkg.mo"));

        // The real dpkg over the checkout: the filtered paths are not in its lists, so only what the treefile changed shows.
        string checkout = temp.Combine("checkout");
        ExternalTool.Run("ostree", ["checkout", "-U", "--repo=" + fixture.RepositoryPath, result.Commit!.Value.ToString(), checkout]).EnsureSuccess("ostree checkout");
        var verify = ExternalTool.Run("dpkg", ["--root=" + checkout, "--admindir=" + Path.Combine(checkout, VarTmpfiles.DpkgDatabase), "--verify"]);
        var problems = verify.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)

            // /etc is /usr/etc and /var is made at boot from tmpfiles lines (the deployed tree's dpkg --verify is
            // MinbaseComposeTests'); conffiles' content is the scripts' and the treefile's business.
            .Where(l => !(l.Length > 11 && l[10] == 'c') && !l.EndsWith(" /etc", StringComparison.Ordinal) && !l.EndsWith(" /var", StringComparison.Ordinal)
                && !l.Contains(" /etc/", StringComparison.Ordinal) && !l.Contains(" /var/", StringComparison.Ordinal))
            .Where(l => !l.EndsWith(" /usr/share/lintian", StringComparison.Ordinal) && !l.Contains(" /usr/share/lintian/", StringComparison.Ordinal))
            .ToList();
        Assert.True(verify.StandardOutput.Contains("missing     /usr/share/lintian/overrides", StringComparison.Ordinal), "dpkg --verify: " + verify.StandardOutput);
        Assert.Equal(["??5??????   /usr/lib/os-release"], problems);
        Assert.DoesNotContain("/usr/share/doc/dpkg/changelog", File.ReadAllText(Path.Combine(checkout, VarTmpfiles.DpkgDatabase, "info/dpkg.list")), StringComparison.Ordinal);

        // The treefile names add-files by path only: new bytes in the same file are a change, the next compose commits them.
        var options = new ComposeOptions { CacheDirectory = fixture.CacheDirectory, ListsDirectory = fixture.ListsDirectory, WorkDirectory = temp.Combine("work") };
        var unchanged = await new TreeComposer(repo).ComposeAsync(treefile, options);
        Assert.False(unchanged.Changed);
        Assert.Equal(result.Commit, unchanged.Commit);
        File.WriteAllText(temp.Combine("motd"), Motd.ToUpperInvariant());
        var edited = await new TreeComposer(repo).ComposeAsync(treefile, options);
        Assert.True(edited.Changed, "new add-files content must give a new commit");
        Assert.NotEqual(result.Commit, edited.Commit);
        using var motd = repo.Objects.OpenContent(MutableTree.FromCommit(repo, edited.Commit!.Value).FindFile("usr/etc/motd")!.Value);
        Assert.Equal(Motd.ToUpperInvariant(), new StreamReader(motd.Content, Encoding.UTF8).ReadToEnd());
    }
}
