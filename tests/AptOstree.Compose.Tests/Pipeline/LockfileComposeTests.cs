using AptOstree.OSTree;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Pipeline;

/// <summary>
/// <c>--lockfile-out</c> then <c>--lockfile</c>: the minbase compose's lockfile, written and read back as text, composed
/// into a fresh repository gives the same commit checksum; signed on the way (<c>--gpg-sign</c>: the detached
/// signature leaves the checksum alone), and the real <c>ostree show --gpg-homedir</c> reports a good signature.
/// </summary>
[Collection(nameof(MinbaseComposeCollection))]
public sealed class LockfileComposeTests(MinbaseComposeFixture fixture)
{
    [SkippableFact]
    public async Task Compose_LockfileOfAComposeIntoAFreshRepositorySigned_SameCommitThatOstreeVerifies()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        if (fixture.Failure is { } failure)
        {
            throw new InvalidOperationException("The minbase compose failed: " + failure, failure);
        }

        ExternalTool.Require("ostree", "gpg");
        using var gpg = GpgTestKey.Create("compose@example.invalid");
        using var temp = new TempDirectory("aptostree-lockfile-compose-");
        string lockfilePath = temp.Combine("minbase.lock");
        File.WriteAllText(lockfilePath, fixture.First.Lockfile.Format());
        var lockfile = ComposeLockfile.Parse(File.ReadAllText(lockfilePath), lockfilePath);
        var repo = OstreeRepository.Create(temp.Combine("repo"), Environment.IsPrivilegedProcess ? RepoMode.Bare : RepoMode.BareUser);
        var options = new ComposeOptions
        {
            CacheDirectory = fixture.CacheDirectory,
            ListsDirectory = fixture.ListsDirectory,
            WorkDirectory = temp.Combine("work"),
            Lockfile = lockfile,
        };

        // A treefile naming a gpg-key cannot be composed without the secret key: it fails before anything is fetched.
        var unsigned = await Assert.ThrowsAsync<AptOstreeException>(() => new TreeComposer(repo).ComposeAsync(fixture.Treefile with { GpgKey = gpg.Email }, options));
        Assert.Equal(ComposeErrorCodes.InvalidTreefile, unsigned.ErrorCode);
        Assert.Contains("gpg-key", unsigned.Message, StringComparison.Ordinal);
        Assert.Null(repo.Refs.TryResolve(fixture.Treefile.Ref!));

        var result = await new TreeComposer(repo).ComposeAsync(fixture.Treefile, options with { GpgSigningKeys = [GpgSigningKey.LoadFile(gpg.SecretKeyring, gpg.Email)] });

        Assert.Equal(fixture.First.Packages.Select(p => $"{p.Name} {p.Version}"), result.Packages.Select(p => $"{p.Name} {p.Version}"));
        Assert.Equal(fixture.First.Lockfile.Format(), result.Lockfile.Format());
        Assert.Equal(repo.Refs.TryResolve(fixture.Treefile.Ref!), result.Commit);
        string shown = ExternalTool.Run("ostree", ["show", "--repo=" + temp.Combine("repo"), "--gpg-homedir=" + gpg.KeysDirectory, result.Commit!.Value.ToString()])
            .EnsureSuccess("ostree show").StandardOutput;
        Assert.Contains("Found 1 signature", shown, StringComparison.Ordinal);
        Assert.Contains("Good signature from \"Test <compose@example.invalid>\"", shown, StringComparison.Ordinal);
        ExternalTool.Run("ostree", ["fsck", "--repo=" + temp.Combine("repo")]).EnsureSuccess("ostree fsck");

        // The detached signature is not part of the commit: the same inputs give the fixture's commit.
        Assert.Equal(fixture.First.Commit, result.Commit);
    }
}
