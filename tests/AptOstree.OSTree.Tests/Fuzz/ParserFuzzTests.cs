using System.Text;
using AptOstree.OSTree.GVariant;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.OSTree.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of every OSTree object parser with valid objects from our writer (and from ostree where it is
/// installed): a mutant either parses — and then re-serializes, prints and, in normal form, round-trips to the same
/// bytes — or is refused with our exception. Anything else (IndexOutOfRange, InvalidCast, Overflow, ArgumentException
/// from the writer on a value the reader returned, a hang) is a finding that fails the test with the input.
/// </summary>
public class ParserFuzzTests(ITestOutputHelper output)
{
    private const int RandomMutantsPerSeed = 300;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private static readonly byte[] PublicKey = Ed25519Signatures.PrivateKey(new byte[32]).GeneratePublicKey().GetEncoded();

    [Fact]
    public void Commit_Mutants_ParseOrFailWithOurException() =>
        Fuzz(FuzzSeeds.Commits(), 1001, Typed(OstreeCommit.GVariantType, "OstreeCommit.Parse", ParseCommit));

    [Fact]
    public void DirTree_Mutants_ParseOrFailWithOurException() =>
        Fuzz(FuzzSeeds.DirTrees(), 2001, Typed(DirTree.GVariantType, "DirTree.Parse", ParseDirTree));

    [Fact]
    public void DirMeta_Mutants_ParseOrFailWithOurException() =>
        Fuzz(FuzzSeeds.DirMetas(), 3001, Typed(DirMeta.GVariantType, "DirMeta.Parse", ParseDirMeta));

    [Fact]
    public void Summary_Mutants_ParseOrFailWithOurException() =>
        Fuzz(FuzzSeeds.Summaries(), 4001, Generic(FuzzSeeds.SummaryType, ("RepositorySummary.Parse", ParseSummary)));

    [Fact]
    public void SignatureContainer_Mutants_ParseOrFailWithOurException() =>
        Fuzz(FuzzSeeds.SignatureContainers(), 5001, Generic("a{sv}", ("SignatureContainer.Parse", ParseSignatures)));

    [Fact]
    public void ArchiveHeader_Mutants_ParseOrFailWithOurException() =>
        Fuzz(FuzzSeeds.ArchiveObjects(), 6001, [("FileHeader.ParseArchiveHeader", ParseArchive)]);

    [Fact]
    public void UserMeta_Mutants_ParseOrFailWithOurException() =>
        Fuzz(FuzzSeeds.UserMetas(), 7001, Generic("(uuua(ayay))", ("FileHeader.ParseUserMeta", ParseUserMeta)));

    [Fact]
    public void GVariantText_Mutants_ParseOrFailWithOurException()
    {
        var findings = new FuzzFindings();
        FuzzFindings.WithinTime(Limit, () =>
        {
            int seed = 8001;
            foreach (string text in FuzzSeeds.Texts())
            {
                _ = GVariantText.Parse(text);
                foreach (var (description, mutated) in TextMutations(text, seed++, 150))
                {
                    findings.Run("GVariantText.Parse", new Mutant(description, Encoding.UTF8.GetBytes(mutated)), () =>
                    {
                        var value = GVariantText.Parse(mutated);
                        Invariant(value.ToString(), "GVariantValue.ToString of a parsed value");
                        byte[] bytes = Invariant(() => GVariantSerializer.Serialize(value.Type, value.Value), "serializing a parsed value");
                        Invariant(() => GVariantText.Print(value.Type, value.Value), "printing a parsed value");
                        Invariant(() => GVariantSerializer.Deserialize(value.Type, bytes, "text", requireNormalForm: true), "reading back a parsed value");
                    });
                }
            }
        });
        output.WriteLine(findings.Summary);
        findings.AssertNone();
        Assert.True(findings.OurErrors.Count > 0, "no mutant was refused: the fuzzer did not reach the parser's checks");
    }

    /// <summary>The same mutations over objects the real ostree wrote (commit with metadata, dirtrees, dirmetas, summary, .filez).</summary>
    [SkippableFact]
    public void OstreeWrittenObjects_Mutants_ParseOrFailWithOurException()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("fuzz-ostree-seeds-");
        string tree = tmp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        File.WriteAllText(Path.Combine(tree, "hello.txt"), "hello\n");
        File.WriteAllText(Path.Combine(tree, "sub/x"), "x");
        File.CreateSymbolicLink(Path.Combine(tree, "link"), "hello.txt");
        string repo = tmp.Combine("repo");
        OstreeTestTrees.Ostree("--repo=" + repo, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + repo, "commit", "-b", "main", "--timestamp=@0", "-s", "subject", "--add-metadata-string=version=1.0",
            "--add-metadata=list=['a', 'b']", "--add-metadata=boxed=<<uint32 7>>", tree);
        OstreeTestTrees.Ostree("--repo=" + repo, "summary", "-u");

        byte[][] Objects(string extension) =>
            [.. Directory.EnumerateFiles(Path.Combine(repo, "objects"), "*." + extension, SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

        var commits = Objects("commit");
        Assert.Single(commits);
        Fuzz(commits, 9001, Typed(OstreeCommit.GVariantType, "OstreeCommit.Parse", ParseCommit));
        Fuzz(Objects("dirtree"), 9101, Typed(DirTree.GVariantType, "DirTree.Parse", ParseDirTree));
        Fuzz(Objects("dirmeta"), 9201, Typed(DirMeta.GVariantType, "DirMeta.Parse", ParseDirMeta));
        Fuzz([File.ReadAllBytes(Path.Combine(repo, "summary"))], 9301, Generic(FuzzSeeds.SummaryType, ("RepositorySummary.Parse", ParseSummary)));
        Fuzz(Objects("filez"), 9401, [("FileHeader.ParseArchiveHeader", ParseArchive)]);
    }

    private void Fuzz(IEnumerable<byte[]> seeds, int seed, params (string What, Action<byte[]> Parse)[] parsers)
    {
        var findings = new FuzzFindings();
        var inputs = seeds.ToList();
        FuzzFindings.WithinTime(Limit, () =>
        {
            int s = seed;
            foreach (var input in inputs)
            {
                // The seed itself must parse: the fuzzer starts from valid objects.
                foreach (var (what, parse) in parsers)
                {
                    parse(input);
                }

                foreach (var mutant in ByteMutations.Generate(input, s++, RandomMutantsPerSeed))
                {
                    foreach (var (what, parse) in parsers)
                    {
                        findings.Run(what, mutant, () => parse(mutant.Data));
                    }
                }
            }
        });
        output.WriteLine($"{parsers[^1].What}: {findings.Summary}");
        findings.AssertNone();
        Assert.True(findings.OurErrors.Count > 0, "no mutant was refused: the fuzzer did not reach the parser's checks");
    }

    private static (string What, Action<byte[]> Parse)[] Generic(string type) =>
    [
        ($"Deserialize {type} (normal form)", data => DeserializeAndRoundTrip(type, data, requireNormalForm: true)),
        ($"Deserialize {type} (lenient)", data => DeserializeAndRoundTrip(type, data, requireNormalForm: false)),
    ];

    private static (string What, Action<byte[]> Parse)[] Generic(string type, (string What, Action<byte[]> Parse) typed) => [.. Generic(type), typed];

    private static (string What, Action<byte[]> Parse)[] Typed(string type, string what, Action<byte[], bool> parse) =>
    [
        .. Generic(type),
        (what + " (normal form)", data => parse(data, true)),
        (what + " (lenient)", data => parse(data, false)),
    ];

    /// <summary>A value the reader returns is one the writer takes, prints, and writes in normal form.</summary>
    private static void DeserializeAndRoundTrip(string type, byte[] data, bool requireNormalForm)
    {
        object value = GVariantSerializer.Deserialize(type, data, "fuzz", requireNormalForm);
        byte[] normal = Invariant(() => GVariantSerializer.Serialize(type, value), "re-serializing a value the reader returned");
        if (requireNormalForm && !normal.AsSpan().SequenceEqual(data))
        {
            throw new InvalidOperationException("a normal-form value re-serialized to different bytes");
        }

        Invariant(() => GVariantSerializer.Deserialize(type, normal, "fuzz", requireNormalForm: true), "reading back the writer's normal form");
        Invariant(() => GVariantText.Print(type, value), "printing a value the reader returned");
        Invariant(() => GVariantText.Print(type, GVariantText.ByteSwap(value)), "printing a byte-swapped value");
    }

    private static void ParseCommit(byte[] data, bool normal)
    {
        var commit = OstreeCommit.Parse(data, "fuzz.commit", normal);
        _ = commit.Time;
        _ = commit.Version;
        _ = commit.ContentChecksum;
        var bytes = Invariant(commit.Serialize, "re-serializing a parsed commit");
        if (normal && !bytes.AsSpan().SequenceEqual(data))
        {
            throw new InvalidOperationException("a normal-form commit re-serialized to different bytes");
        }

        foreach (var (_, value) in commit.Metadata)
        {
            Invariant(value.ToString(), "GVariantValue.ToString of commit metadata");
        }
    }

    private static void ParseDirTree(byte[] data, bool normal)
    {
        var tree = DirTree.Parse(data, "fuzz.dirtree", normal);
        foreach (var file in tree.Files)
        {
            Assert.Same(file, tree.FindFile(file.Name));
        }

        foreach (var dir in tree.Directories)
        {
            Assert.Same(dir, tree.FindDirectory(dir.Name));
        }

        Invariant(tree.Serialize, "re-serializing a parsed dirtree");
    }

    private static void ParseDirMeta(byte[] data, bool normal) =>
        Invariant(DirMeta.Parse(data, "fuzz.dirmeta", normal).Serialize, "re-serializing a parsed dirmeta");

    private static void ParseSummary(byte[] data)
    {
        var summary = RepositorySummary.Parse(data, "fuzz summary");
        _ = summary.Find(null, "main");
        foreach (var collection in summary.CollectionMap.Keys)
        {
            _ = summary.Find(collection, "other");
        }

        _ = SummaryWriter.ParseRefs(data, "fuzz summary");
    }

    private static void ParseSignatures(byte[] data)
    {
        var container = SignatureContainer.Parse(data, "fuzz.commitmeta");
        var signatures = SignatureContainer.Read(container, Ed25519Signatures.MetadataKey);
        _ = Ed25519Signatures.VerifyAny("signed"u8, signatures, [PublicKey]);
        _ = SignatureContainer.Read(container, "ostree.gpgsigs");
        Invariant(() => SignatureContainer.Append(container, new byte[64], Ed25519Signatures.MetadataKey), "re-serializing a parsed container");
    }

    private static void ParseArchive(byte[] data)
    {
        var header = FileHeader.ParseArchiveHeader(data, "fuzz.filez", out _, out int headerLength);
        if (headerLength < 8 || headerLength > data.Length)
        {
            throw new InvalidOperationException($"header length {headerLength} is outside the {data.Length}-byte object");
        }

        Invariant(header.SerializeForChecksum, "serializing a parsed header for its checksum");
    }

    private static void ParseUserMeta(byte[] data)
    {
        var header = FileHeader.ParseUserMeta(data, "fuzz.file", "target");
        header.Validate("fuzz.file");
        Invariant(header.SerializeUserMeta, "re-serializing a parsed user.ostreemeta");
    }

    /// <summary>Runs a step that must not fail for a value that parsed; any failure (even ours) becomes a finding.</summary>
    private static T Invariant<T>(Func<T> step, string what)
    {
        try
        {
            return step();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{what} failed: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private static void Invariant(string? text, string what)
    {
        if (text is null)
        {
            throw new InvalidOperationException(what + " returned null");
        }
    }

    /// <summary>Texts with syntax characters inserted, characters deleted, truncations and random byte edits.</summary>
    private static IEnumerable<(string Description, string Text)> TextMutations(string text, int seed, int randomCount)
    {
        const string Syntax = "[](){}<>@,:'\"\\b0x-.e ";
        for (int at = 0; at <= text.Length; at++)
        {
            yield return ($"truncate@{at}", text[..at]);
            if (at < text.Length)
            {
                yield return ($"delete@{at}", text.Remove(at, 1));
            }

            foreach (char c in Syntax)
            {
                yield return ($"insert@{at}={c}", text.Insert(at, c.ToString()));
            }
        }

        foreach (string annotation in (string[])["@a{", "@a{}", "@a{s", "@{sv}", "@a", "@(", "@m", "@aaz", "@ay", "@as", "@a{sv}", "@y", "@v", "@z"])
        {
            yield return ($"annotate {annotation}", annotation + " " + text);
        }

        foreach (var mutant in ByteMutations.Generate(Encoding.UTF8.GetBytes(text), seed, randomCount).Where(m => m.Description.StartsWith("random", StringComparison.Ordinal)))
        {
            yield return (mutant.Description, Encoding.UTF8.GetString(mutant.Data));
        }
    }
}
