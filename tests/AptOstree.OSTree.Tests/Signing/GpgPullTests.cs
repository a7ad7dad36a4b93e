using AptOstree.OSTree.Tests.Pull;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Signing;

/// <summary>Pulls with <c>gpg-verify</c>: ostree pulls our GPG-signed archive over HTTP; we pull ostree's and refuse bad signatures.</summary>
public class GpgPullTests
{
    [SkippableFact]
    public void OstreePullsOurGpgSignedArchiveOverHttp()
    {
        ExternalTool.Require("ostree", "gpg", "python3");
        using var tmp = new TempDirectory("ostree-gpg-pull-");
        using var gpg = GpgTestKey.Create("served@example.invalid");
        var key = GpgSigningKey.LoadFile(gpg.SecretKeyring, gpg.Email);
        var served = OstreeRepository.Create(tmp.Combine("served"), RepoMode.Archive);
        var signedCommit = CommitFile(served, tmp, "t", "signed");
        GpgCommitSigner.Sign(served, signedCommit, key);
        CommitFile(served, tmp, "unsigned", "unsigned");
        served.UpdateSummary();
        GpgSummarySigner.Sign(served, key);
        using var server = new StaticHttpServer(served.Path);

        // ostree remote add without --no-gpg-verify: commits need a valid signature; the summary too, here.
        string client = tmp.Combine("client");
        OstreeTestTrees.Ostree("--repo=" + client, "init", "--mode=bare-user");
        OstreeTestTrees.Ostree("--repo=" + client, "remote", "add", "--set=gpg-verify-summary=true", "o", server.Url);
        OstreeTestTrees.Ostree("--repo=" + client, "remote", "gpg-import", "-k", gpg.PublicKeyring, "o");
        OstreeTestTrees.Ostree("--repo=" + client, "pull", "o", "t");
        Assert.Equal(signedCommit.ToString(), OstreeTestTrees.Ostree("--repo=" + client, "rev-parse", "o:t").Trim());
        OstreeTestTrees.Ostree("--repo=" + client, "fsck");

        // The oracle does check: the unsigned commit is refused.
        var refused = OstreeTestTrees.OstreeRun("--repo=" + client, "pull", "o", "unsigned");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("GPG", refused.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task WePullOstreeGpgSignedCommitsAndRefuseBadOnes()
    {
        ExternalTool.Require("ostree", "gpg");
        using var tmp = new TempDirectory("ostree-gpg-pull-");
        using var gpg = GpgTestKey.Create("theirs@example.invalid");
        using var stranger = GpgTestKey.Create("stranger@example.invalid");
        string served = tmp.Combine("served");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "f"), "signed by ostree");
        OstreeTestTrees.Ostree("--repo=" + served, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + served, "commit", "-b", "t", "--gpg-sign=" + gpg.Email, "--gpg-homedir=" + gpg.Home, tree);
        OstreeTestTrees.Ostree("--repo=" + served, "commit", "-b", "unsigned", tree);
        File.WriteAllText(Path.Combine(tree, "f"), "carried");
        OstreeTestTrees.Ostree("--repo=" + served, "commit", "-b", "carried", tree);
        OstreeTestTrees.Ostree("--repo=" + served, "summary", "-u", "--gpg-sign=" + gpg.Email, "--gpg-homedir=" + gpg.Home);
        string signed = File.ReadAllText(Path.Combine(served, "refs/heads/t")).Trim();
        string carried = File.ReadAllText(Path.Combine(served, "refs/heads/carried")).Trim();
        string ObjectPath(string commit, string ext) => Path.Combine(served, "objects", commit[..2], commit[2..] + "." + ext);
        File.Copy(ObjectPath(signed, "commitmeta"), ObjectPath(carried, "commitmeta"));
        string url = "file://" + served;

        var repo = OstreeRepository.Create(tmp.Combine("ours"), RepoMode.BareUser);

        // gpg-verify=true, as `ostree remote add` leaves it, and no trusted keys: refused, nothing written.
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "remote", "add", "o", url);
        repo = OstreeRepository.Open(repo.Path);
        Assert.True(repo.Remotes.Get("o")!.GpgVerify);
        await AssertRefused(repo, "o", "t", signed, "NO_PUBKEY");
        Assert.False(repo.Objects.Contains(Checksum.Parse(signed), ObjectType.Commit));

        // A stranger's key imported: still refused.
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "remote", "gpg-import", "-k", stranger.PublicKeyring, "o");
        await AssertRefused(repo, "o", "t", signed, "NO_PUBKEY");

        // gpgkeypath with the right key (a directory), besides the stranger's keyring: accepted.
        repo.Remotes.Add("k", url, gpgVerify: true, options: new Dictionary<string, string> { ["gpgkeypath"] = gpg.KeysDirectory, ["gpg-verify-summary"] = "true" });
        Assert.Equal(signed, (await repo.PullAsync("k", "t")).ToString());
        Assert.Equal(signed, repo.Refs.Resolve("k:t").ToString());

        // The right key imported the way ostree does it (REMOTE.trustedkeys.gpg): accepted; unsigned and carried-over refused.
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "remote", "gpg-import", "-k", gpg.PublicKeyring, "o");
        Assert.Equal(signed, (await repo.PullAsync("o", "t")).ToString());
        await AssertRefused(repo, "o", "unsigned", File.ReadAllText(Path.Combine(served, "refs/heads/unsigned")).Trim(), "no signatures found");
        await AssertRefused(repo, "o", "carried", carried, "does not match");
        Assert.True(repo.Fsck().IsClean);

        // gpg-verify=false pulls without looking.
        repo.Remotes.Add("n", url, gpgVerify: false);
        Assert.Equal(carried, (await repo.PullAsync("n", "carried")).ToString());

        // A summary.sig that does not match refuses the pull before any commit is fetched.
        byte[] sig = File.ReadAllBytes(Path.Combine(served, "summary.sig"));
        sig[^20] ^= 1; // inside the signature value (the last bytes are GVariant framing)
        File.WriteAllBytes(Path.Combine(served, "summary.sig"), sig);
        var ex = await Assert.ThrowsAsync<AptOstreeException>(() => repo.PullAsync("k", "t"));
        Assert.Equal(OstreeErrorCodes.SignatureInvalid, ex.ErrorCode);
        Assert.Contains("summary", ex.Message, StringComparison.Ordinal);
    }

    private static async Task AssertRefused(OstreeRepository repo, string remote, string refName, string commit, string messagePart)
    {
        var ex = await Assert.ThrowsAsync<AptOstreeException>(() => repo.PullAsync(remote, refName));
        Assert.Equal(OstreeErrorCodes.SignatureInvalid, ex.ErrorCode);
        Assert.Contains(commit, ex.Message, StringComparison.Ordinal);
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
        Assert.Null(repo.Refs.TryResolve(remote + ":" + refName));
    }

    private static Checksum CommitFile(OstreeRepository repo, TempDirectory tmp, string branch, string content)
    {
        string tree = tmp.Combine("tree-" + branch);
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "f"), content);
        return repo.Commit(tree, new CommitOptions { Branch = branch, Subject = content });
    }
}
