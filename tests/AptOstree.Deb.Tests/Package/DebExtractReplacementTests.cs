using System.Formats.Tar;
using AptOstree.Deb.Tests.Archive;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Package;

/// <summary>
/// Entries that replace earlier entries of the same name (issue 15 D10: extraction once did work proportional to
/// everything extracted so far for each replacement). The result must be what <c>dpkg-deb -x</c> writes; the time is
/// measured in docs/benchmarks/deb-extract.md, never asserted here.
/// </summary>
public sealed class DebExtractReplacementTests : IDisposable
{
    private const int Count = 3000;
    private readonly TempDirectory _temp = new("debextract-replace-");

    public void Dispose() => _temp.Dispose();

    [SkippableTheory]
    [InlineData(TarEntryType.Directory)]
    [InlineData(TarEntryType.SymbolicLink)]
    public void ExtractTo_ThousandsOfEntriesReplacedByFiles_SameTreeAsDpkgDeb(TarEntryType replaced)
    {
        ExternalTool.Require("dpkg-deb");
        var entries = new List<TarEntry> { RawDeb.Dir("./") };
        for (var i = 0; i < Count; i++)
        {
            entries.Add(replaced == TarEntryType.Directory ? RawDeb.Dir($"./e{i}/") : RawDeb.Link(TarEntryType.SymbolicLink, $"./e{i}", "x"));
        }

        for (var i = 0; i < Count; i++)
        {
            entries.Add(RawDeb.File($"./e{i}", i % 7 == 0 ? $"content {i}" : string.Empty));
        }

        var deb = _temp.Combine("replace.deb");
        File.WriteAllBytes(deb, RawDeb.WithData([.. entries]));
        var theirs = _temp.Combine("dpkg");
        var ours = _temp.Combine("ours");
        ExternalTool.Run("dpkg-deb", ["-x", deb, theirs]).EnsureSuccess("dpkg-deb -x");

        using (var pkg = DebPackage.Open(deb))
        {
            var result = pkg.ExtractTo(ours);
            Assert.Equal(Count, result.Files);
            Assert.Equal(1, result.Directories);
        }

        var expected = TreeSnapshot.Take(theirs, includeOwners: false);
        Assert.Equal(Count + 1, expected.Count);
        var diff = TreeSnapshot.Diff(expected, TreeSnapshot.Take(ours, includeOwners: false));
        Assert.True(diff.Length == 0, $"differs from dpkg-deb -x:\n{diff}");
    }
}
