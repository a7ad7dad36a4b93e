using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Signing;

/// <summary>
/// <c>pull-local --gpg-verify</c> and <c>--gpg-verify-summary</c> with the keys of the remote <c>--remote</c> names:
/// what ostree pull-local accepts and refuses on the same source, we accept and refuse.
/// </summary>
public class GpgPullLocalTests
{
    [SkippableFact]
    public async Task PullLocal_GpgVerify_AcceptsAndRefusesWhatOstreeDoes()
    {
        ExternalTool.Require("ostree", "gpg");
        using var tmp = new TempDirectory("ostree-gpg-local-");
        using var gpg = GpgTestKey.Create("local@example.invalid");
        string source = tmp.Combine("source");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "f"), "signed");
        OstreeTestTrees.Ostree("--repo=" + source, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + source, "commit", "-b", "signed", "--gpg-sign=" + gpg.Email, "--gpg-homedir=" + gpg.Home, tree);
        File.WriteAllText(Path.Combine(tree, "f"), "unsigned");
        OstreeTestTrees.Ostree("--repo=" + source, "commit", "-b", "unsigned", tree);

        // Both destinations trust the key through remote "o" (whose own gpg-verify is off: the flag decides).
        string theirs = tmp.Combine("theirs");
        OstreeTestTrees.Ostree("--repo=" + theirs, "init", "--mode=bare-user");
        var ours = OstreeRepository.Create(tmp.Combine("ours"), RepoMode.BareUser);
        foreach (string repo in new[] { theirs, ours.Path })
        {
            OstreeTestTrees.Ostree("--repo=" + repo, "remote", "add", "--no-gpg-verify", "o", "file:///nonexistent");
            OstreeTestTrees.Ostree("--repo=" + repo, "remote", "gpg-import", "-k", gpg.PublicKeyring, "o");
        }

        ours = OstreeRepository.Open(ours.Path);
        bool Ostree(string rev, params string[] flags) => OstreeTestTrees.OstreeRun(["--repo=" + theirs, "pull-local", .. flags, source, rev]).ExitCode == 0;
        async Task<AptOstreeException?> Ours(string rev, PullOptions options)
        {
            try
            {
                await ours.PullLocalAsync(source, rev, options);
                return null;
            }
            catch (AptOstreeException ex)
            {
                return ex;
            }
        }

        var verify = new PullOptions { Remote = "o", GpgVerify = true };
        Assert.True(Ostree("signed", "--gpg-verify", "--remote=o"));
        Assert.Null(await Ours("signed", verify));
        Assert.Equal(OstreeTestTrees.Ostree("--repo=" + theirs, "rev-parse", "o:signed"), ours.Refs.Resolve("o:signed") + "\n");

        Assert.False(Ostree("unsigned", "--gpg-verify", "--remote=o"));
        var unsigned = await Ours("unsigned", verify);
        Assert.Equal(OstreeErrorCodes.SignatureInvalid, unsigned?.ErrorCode);
        Assert.Contains("no signatures found", unsigned!.Message, StringComparison.Ordinal);
        Assert.Null(ours.Refs.TryResolve("o:unsigned"));

        // Without --remote there are no keys to verify with; without the flag nothing is checked.
        Assert.False(Ostree("unsigned", "--gpg-verify"));
        Assert.Equal(OstreeErrorCodes.InvalidOption, (await Ours("unsigned", new PullOptions { GpgVerify = true }))?.ErrorCode);
        Assert.True(Ostree("unsigned", "--remote=o"));
        Assert.Null(await Ours("unsigned", new PullOptions { Remote = "o" }));

        // The summary: refused while the source has none, accepted once ostree signed it.
        var summaryOnly = new PullOptions { Remote = "o", GpgVerifySummary = true };
        Assert.False(Ostree("signed", "--gpg-verify-summary", "--remote=o"));
        Assert.Equal(OstreeErrorCodes.SignatureInvalid, (await Ours("signed", summaryOnly))?.ErrorCode);
        OstreeTestTrees.Ostree("--repo=" + source, "summary", "-u", "--gpg-sign=" + gpg.Email, "--gpg-homedir=" + gpg.Home);
        Assert.True(Ostree("signed", "--gpg-verify-summary", "--remote=o"));
        Assert.Null(await Ours("signed", summaryOnly));
        Assert.True(ours.Fsck().IsClean);
    }
}
