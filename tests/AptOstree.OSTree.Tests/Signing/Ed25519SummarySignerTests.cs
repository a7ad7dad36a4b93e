using System.Text;
using AptOstree.OSTree.Tests.Pull;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Signing;

/// <summary>
/// Signed summaries and signature checks on pull. Debian's ostree 2022.7 is built without ed25519, so it cannot
/// verify these signatures: the container is checked byte by byte against libostree's layout and verified by our
/// verifier; ostree still serves as the oracle that a signed repository stays pullable.
/// </summary>
public class Ed25519SummarySignerTests
{
    [Fact]
    public void SummarySigIsLibostreesSignatureContainer()
    {
        using var tmp = new TempDirectory("ostree-ssig-");
        var repo = SignedRepo(tmp, out var secret, out var pub);
        SummaryWriter.Update(repo, [secret]);
        byte[] summary = File.ReadAllBytes(Path.Combine(repo.Path, "summary"));
        byte[] sig = File.ReadAllBytes(Path.Combine(repo.Path, "summary.sig"));

        // a{sv} with one entry {'ostree.sign.ed25519': <[@ay 64 bytes]>}: key + NUL, padding to 8, the aay (64 bytes
        // and its 1-byte framing offset), NUL + type "aay", the entry's key-end offset, the array's entry-end offset.
        Assert.Equal(95, sig.Length);
        Assert.Equal("ostree.sign.ed25519\0\0\0\0\0", Encoding.ASCII.GetString(sig, 0, 24));
        Assert.Equal(64, sig[88]);
        Assert.Equal("\0aay", Encoding.ASCII.GetString(sig, 89, 4));
        Assert.Equal(20, sig[93]);
        Assert.Equal(94, sig[94]);
        Assert.True(Ed25519SummarySigner.Verify(summary, sig, [pub]));

        // A second key appends a second signature; each key verifies alone; a changed summary does not.
        var (secret2, pub2) = Ed25519CommitSigner.GenerateKeyPair();
        Ed25519SummarySigner.Sign(repo, [secret2]);
        byte[] both = File.ReadAllBytes(Path.Combine(repo.Path, "summary.sig"));
        Assert.True(Ed25519SummarySigner.Verify(summary, both, [pub]));
        Assert.True(Ed25519SummarySigner.Verify(summary, both, [pub2]));
        summary[^1] ^= 1;
        Assert.False(Ed25519SummarySigner.Verify(summary, both, [pub, pub2]));

        // summary -u drops the stale signature file.
        repo.UpdateSummary();
        Assert.False(File.Exists(Path.Combine(repo.Path, "summary.sig")));
    }

    [SkippableFact]
    public async Task PullVerifiesSummaryAndCommitSignaturesAndRejectsTampering()
    {
        ExternalTool.Require("ostree", "python3");
        using var tmp = new TempDirectory("ostree-ssig-");
        var served = SignedRepo(tmp, out var secret, out var pub);
        SummaryWriter.Update(served, [secret]);
        using var server = new StaticHttpServer(served.Path);

        // ostree (no ed25519) still pulls from a repository with summary.sig and signed commits.
        string theirs = tmp.Combine("theirs");
        OstreeTestTrees.Ostree("--repo=" + theirs, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + theirs, "remote", "add", "--no-gpg-verify", "o", server.Url);
        OstreeTestTrees.Ostree("--repo=" + theirs, "pull", "o", "t");

        File.WriteAllText(tmp.Combine("keys"), Convert.ToBase64String(Ed25519CommitSigner.GenerateKeyPair().PublicKey) + "\n" + Convert.ToBase64String(pub) + "\n");
        var ours = Client(tmp, "ours", server.Url, new() { ["sign-verify"] = "ed25519", ["sign-verify-summary"] = "true", ["verification-ed25519-file"] = tmp.Combine("keys") });
        Assert.Equal(served.ResolveRev("t"), await ours.PullAsync("o", "t"));

        var wrongKey = Client(tmp, "wrong", server.Url, new() { ["sign-verify-summary"] = "true", ["verification-ed25519-key"] = Convert.ToBase64String(Ed25519CommitSigner.GenerateKeyPair().PublicKey) });
        await AssertRejected(wrongKey, "t", "summary");

        // An unsigned commit is refused when the remote requires commit signatures.
        var commitsOnly = Client(tmp, "commits", server.Url, new() { ["sign-verify"] = "true", ["verification-ed25519-key"] = Convert.ToBase64String(pub) });
        await AssertRejected(commitsOnly, "unsigned", "has no ed25519 signature");

        // A summary changed after signing (here: regenerated) no longer matches summary.sig.
        byte[] sig = File.ReadAllBytes(Path.Combine(served.Path, "summary.sig"));
        File.WriteAllBytes(Path.Combine(served.Path, "summary"), SummaryWriter.Build(served, DateTimeOffset.UnixEpoch));
        File.WriteAllBytes(Path.Combine(served.Path, "summary.sig"), sig);
        await AssertRejected(Client(tmp, "tampered", server.Url, new() { ["sign-verify-summary"] = "true", ["verification-ed25519-key"] = Convert.ToBase64String(pub) }), "t", "summary");
        File.Delete(Path.Combine(served.Path, "summary.sig"));
        await AssertRejected(Client(tmp, "unsigned-summary", server.Url, new() { ["sign-verify-summary"] = "true", ["verification-ed25519-key"] = Convert.ToBase64String(pub) }), "t", "summary.sig");
    }

    [Fact]
    public async Task MisconfiguredVerificationIsReportedWithOurException()
    {
        using var tmp = new TempDirectory("ostree-ssig-");
        var served = SignedRepo(tmp, out _, out _);
        var noKeys = Client(tmp, "nokeys", "file://" + served.Path, new() { ["sign-verify"] = "true" });
        var ex = await Assert.ThrowsAsync<AptOstreeException>(() => noKeys.PullAsync("o", "t"));
        Assert.Equal(OstreeErrorCodes.InvalidKey, ex.ErrorCode);
        var badKey = Client(tmp, "badkey", "file://" + served.Path, new() { ["sign-verify"] = "true", ["verification-ed25519-key"] = "AAAA" });
        ex = await Assert.ThrowsAsync<AptOstreeException>(() => badKey.PullAsync("o", "t"));
        Assert.Equal(OstreeErrorCodes.InvalidKey, ex.ErrorCode);
        var gpgType = Client(tmp, "type", "file://" + served.Path, new() { ["sign-verify"] = "spki", ["verification-ed25519-key"] = "AAAA" });
        ex = await Assert.ThrowsAsync<AptOstreeException>(() => gpgType.PullAsync("o", "t"));
        Assert.Equal(OstreeErrorCodes.RemoteFailed, ex.ErrorCode);
    }

    private static async Task AssertRejected(OstreeRepository repo, string refName, string messagePart)
    {
        var ex = await Assert.ThrowsAsync<AptOstreeException>(() => repo.PullAsync("o", refName));
        Assert.Equal(OstreeErrorCodes.SignatureInvalid, ex.ErrorCode);
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
        Assert.Null(repo.Refs.TryResolve("o:" + refName));
    }

    private static OstreeRepository Client(TempDirectory tmp, string name, string url, Dictionary<string, string> options)
    {
        var repo = OstreeRepository.Create(tmp.Combine(name), RepoMode.Archive);
        repo.Remotes.Add("o", url, options: options);
        return repo;
    }

    /// <summary>An archive repo with a signed commit on <c>t</c> and an unsigned one on <c>unsigned</c>.</summary>
    private static OstreeRepository SignedRepo(TempDirectory tmp, out byte[] secret, out byte[] pub)
    {
        Directory.CreateDirectory(tmp.Combine("tree"));
        File.WriteAllText(tmp.Combine("tree/f"), "signed");
        var repo = OstreeRepository.Create(tmp.Combine("served"), RepoMode.Archive);
        var commit = repo.Commit(tmp.Combine("tree"), new CommitOptions { Branch = "t" });
        repo.Commit(tmp.Combine("tree"), new CommitOptions { Branch = "unsigned", Subject = "no signature" });
        (secret, pub) = Ed25519CommitSigner.GenerateKeyPair();
        Ed25519CommitSigner.Sign(repo, commit, secret);
        return repo;
    }
}
