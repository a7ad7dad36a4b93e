using System.Formats.Tar;
using System.Text;
using AptOstree.Deb.Tests.Archive;
using AptOstree.Deb.Tests.Package;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Extraction under fuzzing: random sequences of hostile tar entries (dot-dot names, absolute names, symlinks then
/// files through them, hard links out of the tree, type changes) and mutated tar headers, each extracted into a fresh
/// directory next to an "outside" directory that must stay exactly as it was. Failing with our exception is fine;
/// any other exception or any change next to the target is a bug.
/// </summary>
public sealed class DebExtractFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _sandbox = new("debextract-fuzz-");
    private int _caseNumber;

    public void Dispose() => _sandbox.Dispose();

    [Theory]
    [InlineData(401)]
    [InlineData(402)]
    public void Random_hostile_entry_sequences_never_write_outside_the_target(int seed)
    {
        var random = new Random(seed);
        FuzzHarness.Run(output, $"hostile entry sequences (seed {seed})", Cases(), c => ExtractChecked(c.Input));

        IEnumerable<FuzzCase> Cases()
        {
            for (var i = 0; i < 120 * FuzzHarness.Scale; i++)
            {
                var (tar, description) = HostileTar(random, Outside(_caseNumber + 1));
                var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar", tar));
                yield return new FuzzCase($"#{i}: {description}", deb);
            }
        }
    }

    [Fact]
    public void Mutated_tar_headers_never_write_outside_the_target()
    {
        var tar = FuzzInputs.DataTar();
        var headers = TarHeaderMutator.HeaderOffsets(tar);
        var random = new Random(403);
        FuzzHarness.Run(output, "extract mutated tar headers", Cases(), c => ExtractChecked(c.Input));

        IEnumerable<FuzzCase> Cases()
        {
            for (var i = 0; i < 150 * FuzzHarness.Scale; i++)
            {
                var m = TarHeaderMutator.Mutate(random, tar, headers);
                var deb = RawDeb.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", RawDeb.ControlTarGz()), ("data.tar", m.Data));
                yield return new FuzzCase($"#{i}: {m.Description}", deb);
            }
        }
    }

    [Fact]
    public void Random_byte_mutations_never_write_outside_the_target()
    {
        var deb = FuzzInputs.Deb(DebCompression.Gzip);
        var random = new Random(404);
        FuzzHarness.Run(output, "extract mutated deb", Cases(), c => ExtractChecked(c.Input));

        IEnumerable<FuzzCase> Cases()
        {
            for (var i = 0; i < 100 * FuzzHarness.Scale; i++)
            {
                var m = ByteMutator.Mutate(random, deb);
                yield return new FuzzCase($"#{i}: {m.Description}", m.Data);
            }
        }
    }

    private string Outside(int number) => _sandbox.Combine(number.ToString(System.Globalization.CultureInfo.InvariantCulture), "outside");

    /// <summary>Extracts into case-N/target next to case-N/outside (holding a sentinel) and checks nothing but target changed.</summary>
    private void ExtractChecked(byte[] deb)
    {
        var number = Interlocked.Increment(ref _caseNumber);
        var caseDirectory = _sandbox.Combine(number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var outside = Outside(number);
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "sentinel"), "untouched");
        var before = TreeSnapshot.Take(outside, includeOwners: true);
        try
        {
            using var package = DebPackage.Open(new MemoryStream(deb, writable: false), sourceName: "fuzz.deb");
            package.ExtractTo(Path.Combine(caseDirectory, "target"), new DebExtractOptions { ReadAhead = number % 2 == 0 });
        }
        finally
        {
            var after = TreeSnapshot.Take(outside, includeOwners: true);
            var diff = TreeSnapshot.Diff(before, after);
            Assert.True(diff.Length == 0, $"extraction changed the directory next to the target:\n{diff}");
            var siblings = Directory.EnumerateFileSystemEntries(caseDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.True(siblings.All(s => s is "outside" or "target"), $"extraction created {string.Join(", ", siblings)} next to the target");
            var sandboxEntries = Directory.EnumerateFileSystemEntries(_sandbox.Path).Count();
            Assert.True(sandboxEntries == number, $"extraction created something in the sandbox ({sandboxEntries} entries for {number} cases)");
        }
    }

    private static readonly string[] Names =
    [
        "./", "./a", "./a/", "./a/b", "./a/b/c", "./l", "./l/x", "./l/y/z", "./m", "./m/x", "./f", "./f/x", "../outside/evil", "./a/../../outside/evil",
        "a//b", "./a/./b", "/a/abs", ".", "./d", "./d/e",
    ];

    private static (byte[] Tar, string Description) HostileTar(Random random, string outside)
    {
        string[] linkTargets = [outside, outside + "/sentinel", "../outside", "../outside/sentinel", "..", "../..", "a", "/", "/etc", "l", "./a/b", "m", "f", "../../" + Path.GetFileName(Path.GetDirectoryName(outside)!) + "/outside"];
        var entries = new List<TarEntry>();
        var description = new StringBuilder();
        var count = random.Next(2, 9);
        for (var i = 0; i < count; i++)
        {
            var name = Names[random.Next(Names.Length)];
            if (random.Next(6) == 0)
            {
                name = outside + "/abs-" + i;
            }

            TarEntry entry;
            switch (random.Next(7))
            {
                case 0:
                    entry = RawDeb.Dir(name);
                    description.Append($"dir {name}; ");
                    break;
                case 1:
                case 2:
                    entry = RawDeb.File(name, "payload " + i);
                    description.Append($"file {name}; ");
                    break;
                case 3:
                case 4:
                {
                    var target = linkTargets[random.Next(linkTargets.Length)];
                    entry = RawDeb.Link(TarEntryType.SymbolicLink, name, target);
                    description.Append($"symlink {name} -> {target}; ");
                    break;
                }

                case 5:
                {
                    var target = random.Next(2) == 0 ? Names[random.Next(Names.Length)] : linkTargets[random.Next(linkTargets.Length)];
                    entry = RawDeb.Link(TarEntryType.HardLink, name, target);
                    description.Append($"hardlink {name} => {target}; ");
                    break;
                }

                default:
                    var node = new GnuTarEntry(random.Next(2) == 0 ? TarEntryType.Fifo : TarEntryType.CharacterDevice, name) { Mode = (UnixFileMode)0x1A4 };
                    if (node.EntryType == TarEntryType.CharacterDevice)
                    {
                        node.DeviceMajor = 1;
                        node.DeviceMinor = 3;
                    }

                    entry = node;
                    description.Append($"{node.EntryType} {name}; ");
                    break;
            }

            entries.Add(entry);
        }

        return (RawDeb.Tar([.. entries]), description.ToString());
    }
}
