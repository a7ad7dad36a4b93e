using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Commit;

/// <summary><see cref="CommitOptions.Filter"/>: entries left out (a directory with all below it) or given another owner and permissions, from a directory and from a tar alike.</summary>
public class CommitFilterTests
{
    [SkippableFact]
    public void Filter_SkipsAndChangesEntries_TheSameFromADirectoryAndATar()
    {
        ExternalTool.Require("ostree", "tar");
        using var tmp = new TempDirectory("ostree-filter-");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "usr/bin"));
        Directory.CreateDirectory(Path.Combine(tree, "var/cache/apt/archives"));
        File.WriteAllText(Path.Combine(tree, "usr/bin/tool"), "tool");
        File.WriteAllText(Path.Combine(tree, "var/cache/apt/archives/a.deb"), "deb");
        File.CreateSymbolicLink(Path.Combine(tree, "usr/bin/link"), "tool");
        ExternalTool.Output("chmod", "0755", Path.Combine(tree, "usr/bin/tool"));
        ExternalTool.Output("tar", "-C", tree, "--owner=0", "--group=0", "-cf", tmp.Combine("tree.tar"), ".");

        var seen = new List<string>();
        ImportEntry? Filter(ImportEntry entry)
        {
            lock (seen)
            {
                seen.Add(entry.Path);
            }

            return entry.Path switch
            {
                "/var/cache" => null,
                "/usr/bin/tool" => entry with { Uid = 7, Gid = 8, Mode = 0x1ED | 0x800 | 0x8000 /* a type change is ignored */ },
                _ => entry with { Uid = 0, Gid = 0 },
            };
        }

        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        var options = new CommitOptions { Orphan = true, Timestamp = DateTimeOffset.FromUnixTimeSeconds(OstreeTestTrees.Timestamp) };
        var import = new ImportOptions { Filter = Filter };
        var fromDirectory = repo.Commit(tree, options, import);
        Assert.Contains("/", seen);
        Assert.Contains("/usr/bin/link", seen);
        Assert.DoesNotContain("/var/cache/apt", seen);
        using (var tar = File.OpenRead(tmp.Combine("tree.tar")))
        {
            Assert.Equal(fromDirectory, repo.CommitTar(tar, options, import));
        }

        string listing = OstreeTestTrees.Ostree("--repo=" + repo.Path, "ls", "-R", fromDirectory.ToString());
        Assert.Contains("-04755 7 8      4 /usr/bin/tool", listing, StringComparison.Ordinal);
        Assert.Contains("/usr/bin/link -> tool", listing, StringComparison.Ordinal);
        Assert.Contains(" /var\n", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("/var/cache", listing, StringComparison.Ordinal);
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
    }
}
