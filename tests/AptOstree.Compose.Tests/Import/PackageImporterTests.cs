using System.Reflection;
using AptOstree.Deb;
using AptOstree.OSTree;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Import;

/// <summary>
/// The importer writes a package as libostree writes a commit: one transaction (one staging directory, so one syncfs
/// when fsync is on) for all of its content, dirtree, dirmeta and commit objects, after which the ref moves.
/// </summary>
public sealed class PackageImporterTests
{
    private const int FileCount = 40;

    [SkippableFact]
    public void Import_PackageOfManyFilesWithFsync_OneTransactionAndOstreeFsckClean()
    {
        ExternalTool.Require("ostree");
        using var temp = new TempDirectory();
        string deb = temp.Combine("many.deb");
        var builder = new DebBuilder { Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) }
            .SetControlFields([
                new("Package", "many"), new("Version", "1.0"), new("Architecture", "all"),
                new("Maintainer", "AptOstree tests <tests@localhost>"), new("Description", "many small files"),
            ])
            .AddSymbolicLink("usr/share/many/link", "file-0");
        for (int i = 0; i < FileCount; i++)
        {
            builder.AddFile($"usr/share/many/file-{i}", $"content {i}\n");
        }

        builder.Build(deb);
        string repoPath = temp.Combine("repo");
        var counting = DispatchProxy.Create<IPosixFileSystem, StagingCounter>();
        ((StagingCounter)(object)counting).Inner = LibcPosixFileSystem.Instance;
        OstreeRepository.Create(repoPath, RepoMode.BareUser);
        var repository = OstreeRepository.Open(repoPath, new RepositoryOptions { FileSystem = counting, Fsync = true });

        var imported = new PackageImporter(repository).Import(deb);

        // Before, each object was its own transaction (FileCount + 1 + dpkg info files + trees + commit of them).
        Assert.Equal(1, ((StagingCounter)(object)counting).StagingDirectoriesCreated);
        Assert.False(imported.Reused);

        // The same commit as the one-transaction-per-object importer wrote (the layout of package commits is unchanged).
        Assert.Equal("b03405555f6b5347ea1bf07100519f5c9a752a13e6f21039f01b3343f35b3b72", imported.Commit.ToString());
        Assert.Equal(imported.Commit, repository.Refs.Resolve(imported.Ref));
        ExternalTool.Run("ostree", ["fsck", "--repo=" + repoPath]).EnsureSuccess("ostree fsck");
        string cat = ExternalTool.Output("ostree", "cat", "--repo=" + repoPath, imported.Ref, "/usr/share/many/file-7");
        Assert.Equal("content 7\n", cat);
        Assert.True(new PackageImporter(repository).Import(deb).Reused);
    }

    /// <summary>Counts the staging directories the repository's transactions create under <c>tmp/</c> (one per transaction).</summary>
    public class StagingCounter : DispatchProxy
    {
        public IPosixFileSystem Inner { get; set; } = LibcPosixFileSystem.Instance;

        public int StagingDirectoriesCreated { get; private set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IPosixFileSystem.CreateDirectory) && args is [string path, ..]
                && Path.GetFileName(Path.GetDirectoryName(path)) == "tmp" && Path.GetFileName(path).StartsWith("staging-", StringComparison.Ordinal))
            {
                StagingDirectoriesCreated++;
            }

            try
            {
                return targetMethod.Invoke(Inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        }
    }
}
