using AptOstree.OSTree.GVariant;

namespace AptOstree.OSTree.Tests.GVariant;

/// <summary>
/// fsck checks commits in place with <see cref="GVariantValidator"/>; it must accept exactly what
/// <see cref="GVariantSerializer.Deserialize"/> with normal form required accepts, on valid objects and on thousands of
/// deterministic mutations of them (flipped bytes, widened offsets, non-zero padding, truncation).
/// </summary>
public sealed class GVariantValidatorTests
{
    private const string CommitType = "(a{sv}aya(say)sstayay)";

    public static TheoryData<string, string> Objects()
    {
        var tree = Checksum.Compute("tree"u8);
        var meta = Checksum.Compute("meta"u8);
        var commit = new OstreeCommit(
            [
                new("version", GVariantValue.FromString("12.4")),
                new("flag", GVariantValue.FromBoolean(true)),
                new("list", GVariantValue.FromStrings(Enumerable.Range(0, 40).Select(i => new string('p', i) + i))),
                new("bytes", GVariantValue.FromBytes([1, 2, 3, 0, 5])),
                new("when", GVariantValue.FromUInt64BigEndian(1_700_000_000)),
                new("nested", new GVariantValue("v", GVariantValue.FromString("inner"))),
            ],
            Checksum.Compute("parent"u8), "subject é", "body", 1_700_000_000, tree, meta);
        var big = new OstreeCommit([new("list", GVariantValue.FromStrings(Enumerable.Range(0, 3000).Select(i => "package-" + i)))], null, "s", string.Empty, 0, tree, meta);
        var dirtree = new DirTree([new DirTreeFile("a", tree), new DirTreeFile("b", meta)], [new DirTreeDirectory("d", tree, meta)]);
        var data = new TheoryData<string, string>
        {
            { CommitType, Convert.ToHexString(commit.Serialize()) },
            { CommitType, Convert.ToHexString(big.Serialize()) },
            { CommitType, Convert.ToHexString(new OstreeCommit([], null, string.Empty, string.Empty, 0, tree, meta).Serialize()) },
            { "(a(say)a(sayay))", Convert.ToHexString(dirtree.Serialize()) },
            { "(uuua(ayay))", Convert.ToHexString(DirMeta.Default.Serialize()) },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public void Validate_ValidObjectAndItsMutations_AgreesWithDeserialize(string type, string hex)
    {
        var original = Convert.FromHexString(hex);
        Assert.Equal(Accepts(type, original), Validates(type, original));
        Assert.True(Validates(type, original));

        var random = new Random(1234);
        var mutations = 0;
        var rejected = 0;
        foreach (var mutated in Mutations(original, random))
        {
            mutations++;
            var expected = Accepts(type, mutated);
            Assert.True(expected == Validates(type, mutated), $"mutation {mutations} ({Convert.ToHexString(mutated.AsSpan(0, Math.Min(64, mutated.Length)))}…): Deserialize {(expected ? "accepts" : "refuses")} it, the validator does not agree");
            rejected += expected ? 0 : 1;
        }

        Assert.True(rejected > 0 && rejected < mutations, $"{rejected} of {mutations} mutations refused: the mutations should exercise both outcomes");
    }

    [Fact]
    public void Validate_NonZeroPaddingInACommit_RefusedAsNotNormal()
    {
        // The 't' timestamp is 8-aligned: the bytes before it are padding, which normal form requires to be zero.
        var commit = new OstreeCommit([], null, "s", string.Empty, 0, Checksum.Compute("t"u8), Checksum.Compute("m"u8)).Serialize();
        var spans = GVariantValidator.TupleMembers(CommitType, commit, "c");
        Assert.True(spans[5].Start > spans[4].End, "the layout should have padding before the timestamp");
        commit[spans[4].End] = 0x55;
        var ex = Assert.Throws<InvalidFormatException>(() => GVariantValidator.Validate(CommitType, commit, "c.commit"));
        Assert.Equal(OstreeErrorCodes.InvalidGVariant, ex.ErrorCode);
        Assert.Contains("c.commit", ex.Message, StringComparison.Ordinal);
        Assert.False(Accepts(CommitType, commit));
    }

    private static IEnumerable<byte[]> Mutations(byte[] original, Random random)
    {
        for (int i = 0; i < original.Length && i < 4096; i++)
        {
            foreach (var value in new byte[] { 0, 1, 0xFF, (byte)(original[i] + 1), (byte)random.Next(256) })
            {
                if (value != original[i])
                {
                    var copy = (byte[])original.Clone();
                    copy[i] = value;
                    yield return copy;
                }
            }
        }

        for (int cut = 1; cut < Math.Min(original.Length, 64); cut++)
        {
            yield return original[..^cut];
            yield return [.. original, .. new byte[cut]];
        }
    }

    private static bool Accepts(string type, byte[] data)
    {
        try
        {
            GVariantSerializer.Deserialize(type, data, "x", requireNormalForm: true);
            return true;
        }
        catch (InvalidFormatException)
        {
            return false;
        }
    }

    private static bool Validates(string type, byte[] data)
    {
        try
        {
            GVariantValidator.Validate(type, data, "x");
            return true;
        }
        catch (InvalidFormatException)
        {
            return false;
        }
    }
}
