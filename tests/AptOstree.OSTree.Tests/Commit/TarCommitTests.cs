using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Commit;

/// <summary>A .deb's data.tar streams straight into the store with the checksum <c>ostree commit --tree=tar=</c> gives.</summary>
public class TarCommitTests
{
    [SkippableTheory]
    [InlineData("hello")]
    [InlineData("coreutils")]
    public void TarCommitMatchesOstreeTarCommit(string package)
    {
        ExternalTool.Require("ostree", "dpkg-deb");
        string deb = RealDebs.Get(package);
        using var tmp = new TempDirectory("ostree-tar-");
        string tar = tmp.Combine("data.tar");
        using (var output = File.Create(tar))
        {
            var psi = new System.Diagnostics.ProcessStartInfo("dpkg-deb", ["--fsys-tarfile", deb]) { RedirectStandardOutput = true };
            using var p = System.Diagnostics.Process.Start(psi)!;
            p.StandardOutput.BaseStream.CopyTo(output);
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
        }

        string refRepo = tmp.Combine("ref");
        OstreeTestTrees.Ostree("init", "--repo=" + refRepo, "--mode=archive");
        string expected = OstreeTestTrees.Ostree("--repo=" + refRepo, "commit", "--no-bindings", "--timestamp=" + OstreeTestTrees.OstreeTimestamp, "-s", "s", "-b", "t", "--tree=tar=" + tar).Trim();

        var repo = OstreeRepository.Create(tmp.Combine("ours"), RepoMode.Archive);
        using var stream = File.OpenRead(tar);
        var actual = repo.CommitTar(stream, new CommitOptions { Branch = "t", Subject = "s", NoBindings = true, Timestamp = DateTimeOffset.FromUnixTimeSeconds(OstreeTestTrees.Timestamp) });
        Assert.Equal(expected, actual.ToString());
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
    }

    [Fact]
    public void TarWithDotDotIsRefused()
    {
        using var tmp = new TempDirectory("ostree-tar-");
        var ms = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(ms, leaveOpen: true))
        {
            var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "../evil") { DataStream = new MemoryStream([1, 2, 3]) };
            writer.WriteEntry(entry);
        }

        ms.Position = 0;
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.BareUser);
        Assert.Throws<UnsafePathException>(() => repo.CommitTar(ms, new CommitOptions { Branch = "t" }));
        Assert.False(File.Exists(tmp.Combine("repo/refs/heads/t")));
    }
}
