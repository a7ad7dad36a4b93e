using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace AptOstree.OSTree.Tests.Repository;

/// <summary>
/// The seam rule: the OSTree library reaches files through <see cref="OstreeRepository"/>'s <c>FileSystem</c>
/// (<see cref="AptOstree.Posix.IPosixFileSystem"/>), never through System.IO's <c>File</c>, <c>Directory</c>,
/// <c>FileStream</c>, <c>FileInfo</c> or <c>DirectoryInfo</c>, except where the allow-list below says why.
/// </summary>
public sealed partial class FileSystemSeamRuleTests
{
    /// <summary>Files (or folders, ending in <c>/</c>) still on System.IO as a whole, each with the reason.</summary>
    private static readonly Dictionary<string, string> AllowedFiles = new(StringComparer.Ordinal)
    {
    };

    /// <summary>Single lines that must stay on System.IO: (file, a piece of the line, why).</summary>
    private static readonly (string File, string Line, string Reason)[] AllowedLines =
    [
        ("Repository/StagingDirectory.cs", "File.ReadAllText(\"/proc/sys/kernel/random/boot_id\")", "/proc is the kernel's, not the repository's"),
        ("Sysroot/OstreeSysroot.cs", "File.ReadAllText(\"/proc/cmdline\")", "/proc is the kernel's, not the sysroot's"),
        ("Sysroot/FileTree.cs", "output is FileStream file", "a type test to flush to disk, no file access"),
        ("Repository/OstreeRepository.cs", "tar is FileStream file ? file.Name", "a type test for the source's name, no file access"),
        ("Refs/RemoteStore.cs", "!Directory.Exists(directory)", "global keyring directories are outside the repository"),
        ("Signing/GpgSigningKey.cs", "File.OpenRead(path)", "a user-given key file"),
        ("Pull/RemoteVerification.cs", "new FileInfo(file).Length", "gpgkeypath and global keyrings are outside the repository"),
        ("Pull/RemoteVerification.cs", "if (Directory.Exists(path))", "gpgkeypath names user-given directories"),
        ("Pull/RemoteVerification.cs", "else if (File.Exists(path))", "gpgkeypath names user-given files"),
        ("Pull/RemoteVerification.cs", "Directory.Exists(RemoteStore.GlobalGpgKeyringDirectory)", "the global keyring directory is outside the repository"),
        ("Pull/RemoteVerification.cs", "Directory.EnumerateFiles(directory, \"*.gpg\")", "keyring directories outside the repository"),
        ("Pull/RemoteVerification.cs", "if (!File.Exists(file))", "verification-ed25519-file is a user-given key file"),
        ("Pull/RemoteVerification.cs", "File.ReadAllLines(file)", "verification-ed25519-file is a user-given key file"),
    ];

    [Fact]
    public void OstreeLibrary_UsesSystemIoFilesOnlyWhereAllowed()
    {
        string src = Path.Combine(RepositoryRoot(), "src", "AptOstree.OSTree");
        var violations = new List<string>();
        var usedLines = new HashSet<(string, string, string)>();
        foreach (string file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(src, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal) || AllowedFiles.Keys.Any(k => k.EndsWith('/') ? relative.StartsWith(k, StringComparison.Ordinal) : relative == k))
            {
                continue;
            }

            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal) || !SystemIoFileAccess().IsMatch(code))
                {
                    continue;
                }

                var allowed = AllowedLines.FirstOrDefault(a => a.File == relative && code.Contains(a.Line, StringComparison.Ordinal));
                if (allowed.File is null)
                {
                    violations.Add($"{relative}:{i + 1}: {code}");
                }
                else
                {
                    usedLines.Add(allowed);
                }
            }
        }

        Assert.True(violations.Count == 0, "System.IO file access outside the IPosixFileSystem seam (use OstreeRepository.FileSystem and PosixFileSystemExtensions, or allow-list it with a reason):\n" + string.Join('\n', violations));
        var stale = AllowedLines.Where(a => !usedLines.Contains(a)).Select(a => $"{a.File}: {a.Line}").ToList();
        Assert.True(stale.Count == 0, "Allow-list entries that match nothing any more (remove them):\n" + string.Join('\n', stale));
    }

    [Theory]
    [InlineData("if (File.Exists(path))", true)]
    [InlineData("System.IO.Directory.Exists(dir)", true)]
    [InlineData("var file = new FileStream(path, FileMode.Open);", true)]
    [InlineData("foreach (var e in new DirectoryInfo(dir).EnumerateFiles())", true)]
    [InlineData("AtomicFile.Write(path, bytes);", false)]
    [InlineData("uint mode = PosixPermissions.File;", false)]
    [InlineData("string objects = _repo.Objects.Directory;", false)]
    [InlineData("fs.FileExists(path) && fs.DirectoryExists(dir)", false)]
    public void Pattern_FindsSystemIoFileAccessOnly(string line, bool expected) =>
        Assert.Equal(expected, SystemIoFileAccess().IsMatch(line));

    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        for (var dir = Path.GetDirectoryName(sourceFile); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "AptOstree.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException($"No AptOstree.sln above {sourceFile}.");
    }

    [GeneratedRegex(@"(?:(?<![\w.])|System\.IO\.)(?:File|Directory)\.[A-Z]|\b(?:FileStream|FileInfo|DirectoryInfo)\b")]
    private static partial Regex SystemIoFileAccess();
}
