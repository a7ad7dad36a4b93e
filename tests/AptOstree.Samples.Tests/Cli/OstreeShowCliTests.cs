using AptOstree.Testing;

namespace AptOstree.Samples.Tests.Cli;

/// <summary>`apt-ostree ostree show --print-metadata-key / --print-detached-metadata-key` print what ostree prints.</summary>
public class OstreeShowCliTests
{
    [SkippableFact]
    public void PrintMetadataKeys_OfEveryKind_MatchOstree()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("cli-show-");
        string repo = tmp.Combine("repo");
        Directory.CreateDirectory(tmp.Combine("tree"));
        File.WriteAllText(tmp.Combine("tree", "f"), "x");
        ExternalTool.Output("ostree", "--repo=" + repo, "init", "--mode=archive");
        string commit = ExternalTool.Output(
            "ostree", "--repo=" + repo, "commit", "-b", "os/main", "--timestamp=@1700000000", "--add-metadata-string=version=1.0",
            "--add-metadata=count=uint32 7", "--add-metadata=list=['a', 'b']", "--add-metadata=nested={'k': <int64 -1>}", tmp.Combine("tree")).Trim();
        var (secret, _) = AptOstree.OSTree.Ed25519CommitSigner.GenerateKeyPair();
        SampleTools.AptOstree("ostree", "sign", "--repo=" + repo, commit, Convert.ToBase64String(secret)).EnsureSuccess("sign");

        foreach (string key in new[] { "version", "count", "list", "nested", "ostree.ref-binding" })
        {
            Assert.Equal(
                ExternalTool.Output("ostree", "--repo=" + repo, "show", "--print-metadata-key=" + key, commit),
                SampleTools.AptOstree("ostree", "show", "--repo=" + repo, "--print-metadata-key=" + key, commit).EnsureSuccess("show " + key).StandardOutput);
        }

        Assert.Equal(
            ExternalTool.Output("ostree", "--repo=" + repo, "show", "--print-detached-metadata-key=ostree.sign.ed25519", "os/main"),
            SampleTools.AptOstree("ostree", "show", "--repo=" + repo, "--print-detached-metadata-key=ostree.sign.ed25519", "os/main").EnsureSuccess("show detached").StandardOutput);

        Assert.NotEqual(0, ExternalTool.Run("ostree", ["--repo=" + repo, "show", "--print-metadata-key=nosuch", commit]).ExitCode);
        OstreeCliTests.AssertOneLineError(SampleTools.AptOstree("ostree", "show", "--repo=" + repo, "--print-metadata-key=nosuch", commit), "AO3017");
        Assert.NotEqual(0, ExternalTool.Run("ostree", ["--repo=" + repo, "show", "--print-detached-metadata-key=nosuch", commit]).ExitCode);
        OstreeCliTests.AssertOneLineError(SampleTools.AptOstree("ostree", "show", "--repo=" + repo, "--print-detached-metadata-key=nosuch", commit), "AO3017");
    }
}
