using AptOstree.OSTree.GVariant;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.OSTree.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of what a pull reads from its source: the <c>summary</c>, its ed25519 <c>summary.sig</c>, the
/// commit's detached signatures (<c>.commitmeta</c>) and every object, mutated in place. A pull from a <c>file://</c>
/// remote that verifies summary and commit signatures, and an unverified <c>pull-local</c>, either fail with our
/// exception or succeed without importing anything corrupt (the target's fsck is clean, the commit is the one signed).
/// </summary>
public class PullFuzzTests(ITestOutputHelper output)
{
    private const int SystematicPerTarget = 5;
    private const int RandomPerTarget = 3;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private static readonly byte[] SecretKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Theory]
    [InlineData(RepoMode.Archive, 31001)]
    [InlineData(RepoMode.BareUser, 32001)]
    public void MutatedSource_PullFailsWithOurErrorOrImportsNothingCorrupt(RepoMode mode, int seed)
    {
        using var tmp = new TempDirectory("fuzz-pull-");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        OstreeTestTrees.Write(tree, "hello.txt", "hello\n", 0x1A4);
        OstreeTestTrees.Write(tree, "sub/x", "x", 0x1ED);
        Posix.LibcPosixFileSystem.Instance.CreateSymbolicLink("hello.txt", Path.Combine(tree, "link"));
        var source = OstreeRepository.Create(tmp.Combine("source"), mode);
        var commit = source.Commit(tree, new CommitOptions
        {
            Branch = "main", Subject = "fuzz", Timestamp = DateTimeOffset.UnixEpoch, Metadata = [new("version", GVariantValue.FromString("1"))],
        });
        Ed25519CommitSigner.Sign(source, commit, SecretKey);
        File.WriteAllBytes(Path.Combine(source.Path, "summary"), SummaryWriter.Build(source, DateTimeOffset.UnixEpoch));
        Ed25519SummarySigner.Sign(source, [SecretKey]);
        string[] files =
        [
            Path.Combine(source.Path, "summary"),
            Path.Combine(source.Path, Ed25519SummarySigner.SignatureFileName),
            source.Objects.GetLoosePath(commit, ObjectType.CommitMeta),
            .. source.Objects.Enumerate()
                .Where(o => o.Type is ObjectType.Commit or ObjectType.DirTree or ObjectType.DirMeta or ObjectType.File)
                .OrderBy(o => o.Type).ThenBy(o => o.Checksum)
                .Select(o => source.Objects.GetLoosePath(o.Checksum, o.Type)),
        ];
        var options = new Dictionary<string, string>
        {
            ["sign-verify"] = "ed25519",
            ["sign-verify-summary"] = "true",
            ["verification-ed25519-key"] = Convert.ToBase64String(Ed25519CommitSigner.PublicKeyOf(SecretKey)),
        };

        var findings = new FuzzFindings();
        int run = 0;
        FuzzFindings.WithinTime(Limit, () =>
        {
            var random = new Random(seed);
            foreach (string file in files)
            {
                byte[] original = File.ReadAllBytes(file);
                var systematic = ByteMutations.Systematic(original).ToList();
                var mutants = Enumerable.Range(0, SystematicPerTarget).Select(_ => systematic[random.Next(systematic.Count)])
                    .Concat(ByteMutations.Generate(original, seed++, RandomPerTarget).Skip(systematic.Count));
                foreach (var mutant in mutants)
                {
                    WriteInPlace(file, mutant.Data);
                    try
                    {
                        string what = Path.GetFileName(file);
                        var verified = OstreeRepository.Create(tmp.Combine($"verified-{run}"), RepoMode.Archive);
                        verified.Remotes.Add("origin", "file://" + source.Path, options: options);
                        Checksum? pulled = null;
                        if (findings.Run("verified pull with mutated " + what, mutant, () => pulled = verified.PullAsync("origin", "main").GetAwaiter().GetResult()))
                        {
                            MustBeIntact(findings, verified, pulled, commit, "verified pull with mutated " + what, mutant);
                        }

                        var local = OstreeRepository.Create(tmp.Combine($"local-{run}"), RepoMode.Archive);
                        if (findings.Run("pull-local with mutated " + what, mutant, () => pulled = local.PullLocalAsync(source.Path, "main").GetAwaiter().GetResult()))
                        {
                            MustBeIntact(findings, local, pulled, null, "pull-local with mutated " + what, mutant);
                        }

                        Directory.Delete(verified.Path, recursive: true);
                        Directory.Delete(local.Path, recursive: true);
                        run++;
                    }
                    finally
                    {
                        WriteInPlace(file, original);
                    }
                }
            }
        });
        output.WriteLine(findings.Summary);
        findings.AssertNone();
        Assert.True(findings.OurErrors.Count > 0, "no mutant was refused: the fuzzer did not reach the pull's checks");
    }

    /// <summary>A pull that succeeded left a repository fsck finds clean, with the signed commit when signatures were verified.</summary>
    private static void MustBeIntact(FuzzFindings findings, OstreeRepository target, Checksum? pulled, Checksum? signed, string what, Mutant mutant)
    {
        var fsck = target.Fsck();
        if (!fsck.IsClean)
        {
            findings.Add(what, mutant, "imported corruption: " + string.Join("; ", fsck.Problems.Select(p => p.Message)));
        }

        if (signed is Checksum expected && pulled != expected)
        {
            findings.Add(what, mutant, $"pulled {pulled}, not the signed commit {expected}");
        }
    }

    /// <summary>Rewrites the file's bytes keeping its inode (a bare-user object keeps its user.ostreemeta xattr).</summary>
    private static void WriteInPlace(string path, byte[] data)
    {
        var fs = Posix.LibcPosixFileSystem.Instance;
        var st = fs.GetStatus(path);
        fs.SetPermissions(path, st.Permissions | 0x180);
        using (var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write))
        {
            stream.Write(data);
        }

        fs.SetPermissions(path, st.Permissions);
    }
}
