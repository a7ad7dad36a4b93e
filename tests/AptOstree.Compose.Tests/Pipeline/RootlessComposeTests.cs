using AptOstree.Compose.Tests.Scripts;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Compose.Tests.Pipeline;

/// <summary>
/// Issue 12's "rootless by default": the minbase treefile composed by an unprivileged user (runuser to the test user,
/// a bare-user repository, maintainer scripts in the user-namespace script sandbox) gives the commit the root compose
/// of <see cref="MinbaseComposeFixture"/> gave, checksum for checksum: same files, owners, modes and xattrs.
/// </summary>
[Collection(nameof(MinbaseComposeCollection))]
public sealed class RootlessComposeTests(MinbaseComposeFixture fixture, ITestOutputHelper output)
{
    /// <summary>A package or a script may leave a file the owner cannot write (0444): its bare-user object still gets its xattr.</summary>
    [SkippableFact]
    public void BareUserRepository_UnprivilegedWriterCommitsA0444File_OstreeReadsTheModeAndFsckIsClean()
    {
        ExternalTool.Require("runuser", "dotnet", "ostree");
        UnprivilegedTestUser.Ensure();
        string dir = UnprivilegedTestUser.CreateDirectory("aptostree-rootless-readonly-");
        try
        {
            string repo = Path.Combine(dir, "repo");
            var run = UnprivilegedTestUser.Run(SandboxProbe.Command("commit-readonly", repo, "test/readonly"));
            Assert.True(run.ExitCode == 0, $"the unprivileged commit exited {run.ExitCode}: {run.StandardOutput}{run.StandardError}");
            Assert.Equal(0, UnprivilegedTestUser.Run(["ostree", "fsck", "--repo=" + repo]).ExitCode);
            string listing = ExternalTool.Run("ostree", ["ls", "--repo=" + repo, "test/readonly", "/usr/etc/readonly.conf"]).EnsureSuccess("ostree ls").StandardOutput;
            Assert.StartsWith("-00444 0 0", listing.Trim(), StringComparison.Ordinal);
        }
        finally
        {
            UnprivilegedTestUser.Run(["rm", "-rf", dir]);
        }
    }

    [SkippableFact]
    public void Compose_AsUnprivilegedUser_SameCommitChecksumAsRootAndOstreeFsckIsClean()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        Assert.Null(fixture.Failure);
        ExternalTool.Require("newuidmap", "newgidmap", "runuser", "dotnet", "ostree");
        UnprivilegedTestUser.Ensure();
        string dir = UnprivilegedTestUser.CreateDirectory("aptostree-rootless-compose-");
        try
        {
            // The same indexes and .debs as the root compose (the user's own cache: nothing is downloaded again).
            string treefile = Path.Combine(dir, "minbase.yaml");
            UnprivilegedTestUser.Run(["sh", "-c", "mkdir -p \"$1/cache\" && cp -r \"$2\" \"$1/cache/debs\" && cat > \"$1/minbase.yaml\" <<'EOF'\n" + MinbaseComposeFixture.TreefileText + "\nEOF\n", "sh", dir, Path.Combine(fixture.CacheDirectory, "debs")])
                .EnsureSuccess("prepare the test user's cache");
            string repo = Path.Combine(dir, "repo");
            var run = UnprivilegedTestUser.Run(
                SandboxProbe.Command("compose", treefile, fixture.ListsDirectory, Path.Combine(dir, "cache"), repo, Path.Combine(dir, "work"), fixture.First.Lockfile.SourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                TimeSpan.FromMinutes(30));
            output.WriteLine(run.StandardOutput + run.StandardError);
            Assert.True(run.ExitCode == 0, $"the rootless compose exited {run.ExitCode}: {run.StandardOutput}{run.StandardError}");
            string commit = run.StandardOutput.Split('\n').Single(l => l.StartsWith("commit ", StringComparison.Ordinal))["commit ".Length..].Trim();

            var fsck = UnprivilegedTestUser.Run(["ostree", "fsck", "--repo=" + repo]);
            output.WriteLine(fsck.StandardOutput + fsck.StandardError);
            Assert.Equal(0, fsck.ExitCode);
            Assert.Contains("mode=bare-user", File.ReadAllText(Path.Combine(repo, "config")), StringComparison.Ordinal);
            Assert.Equal(fixture.First.Commit!.Value.ToString(), commit);
        }
        finally
        {
            UnprivilegedTestUser.Run(["rm", "-rf", dir]);
        }
    }
}
