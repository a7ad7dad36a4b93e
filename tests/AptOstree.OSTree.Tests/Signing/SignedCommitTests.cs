using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Signing;

/// <summary>Signing at commit time (<c>ostree commit --gpg-sign / --sign</c>): ostree verifies what the new ref names.</summary>
public class SignedCommitTests
{
    [SkippableFact]
    public void Commit_WithKeys_IsSignedBeforeTheBranchMoves_AndAnUnchangedTreeIsNotSignedAgain()
    {
        ExternalTool.Require("ostree", "gpg");
        using var tmp = new TempDirectory("ostree-signed-commit-");
        using var gpg = GpgTestKey.Create("commit@example.invalid");
        var repo = OstreeRepository.Create(tmp.Combine("repo"), RepoMode.Archive);
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "f"), "signed at commit time");
        var (edSecret, edPublic) = Ed25519CommitSigner.GenerateKeyPair();
        var options = new CommitOptions
        {
            Branch = "os/signed",
            Subject = "signed",
            SkipIfUnchanged = true,
            GpgSigningKeys = [GpgSigningKey.LoadFile(gpg.SecretKeyring, gpg.Email)],
            Ed25519SecretKeys = [edSecret],
        };

        var commit = repo.Commit(tree, options);
        Assert.Equal(commit, repo.Refs.Resolve("os/signed"));
        Assert.Equal([gpg.Fingerprint], GpgCommitSigner.Verify(repo, commit, gpg.Keyring));
        Assert.True(Ed25519CommitSigner.Verify(repo, commit, [edPublic]));
        string shown = OstreeTestTrees.Ostree("--repo=" + repo.Path, "show", "--gpg-homedir=" + gpg.KeysDirectory, "os/signed");
        Assert.Contains("Good signature from \"Test <commit@example.invalid>\"", shown, StringComparison.Ordinal);

        // Unchanged: the parent comes back, and signing it again (which would be refused as a duplicate) is skipped.
        Assert.Equal(commit, repo.Commit(tree, options));

        // A key that cannot sign fails the commit before the branch moves.
        File.WriteAllText(Path.Combine(tree, "f"), "changed");
        var badKey = options with { Ed25519SecretKeys = [new byte[5]] };
        Assert.Equal(OstreeErrorCodes.InvalidKey, Assert.Throws<AptOstreeException>(() => repo.Commit(tree, badKey)).ErrorCode);
        Assert.Equal(commit, repo.Refs.Resolve("os/signed"));
        OstreeTestTrees.Ostree("--repo=" + repo.Path, "fsck");
    }
}
