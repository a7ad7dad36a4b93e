using System.Text.Json;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Control;

/// <summary>
/// The whole real Packages index of the host (bookworm main amd64, ~63,000 stanzas): every stanza and field parses,
/// agrees field by field with APT's own parser (python3-apt), every relation field parses and agrees with APT's
/// dependency parser, and writing the stanzas back reproduces the file byte for byte.
/// </summary>
public class PackagesIndexTests
{
    private static readonly string[] RelationFields =
    [
        "Depends", "Pre-Depends", "Recommends", "Suggests", "Enhances", "Breaks", "Conflicts", "Replaces", "Provides",
        "Built-Using", "Static-Built-Using", "X-Cargo-Built-Using", "Javascript-Built-Using",
    ];

    [SkippableFact]
    public void Every_stanza_parses_and_writes_back_byte_identical()
    {
        var path = HostPackagesIndex.Get();
        var original = File.ReadAllBytes(path);
        var expectedStanzas = CountLinesStartingWith(original, "Package:"u8);

        List<Deb822Paragraph> paragraphs;
        using (var reader = new Deb822Reader(File.OpenRead(path)))
        {
            paragraphs = reader.ReadAll().ToList();
        }

        Assert.Equal(expectedStanzas, paragraphs.Count);
        Assert.True(paragraphs.Count > 10_000, $"only {paragraphs.Count} stanzas: not a full index");
        long fields = 0;
        foreach (var p in paragraphs)
        {
            Assert.NotNull(p.GetRequiredValue("Package"));
            foreach (var f in p)
            {
                Assert.False(f.Value.EndsWith(' ') || f.Value.StartsWith(' '), $"{p["Package"]}: {f.Name} keeps blanks");
                fields++;
            }
        }

        Assert.Equal(CountLinesStartingWithFieldName(original), fields);

        using var output = new MemoryStream(original.Length);
        using (var writer = new Deb822Writer(output, terminateParagraphs: true, leaveOpen: true))
        {
            foreach (var p in paragraphs)
            {
                writer.Write(p);
            }
        }

        Assert.True(original.AsSpan().SequenceEqual(output.ToArray()), "round trip of the Packages index is not byte-identical");
    }

    [SkippableFact]
    public void Every_field_and_relation_agrees_with_apts_parser()
    {
        var path = HostPackagesIndex.Get();
        AptPkgOracle.Require();
        using var dir = new TempDirectory("aptostree-deb822-");
        var dump = Path.Combine(dir.Path, "apt.jsonl");
        AptPkgOracle.RunScript(
            """
            rel = set(sys.argv[3].split(","))
            with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
                for s in apt_pkg.TagFile(f):
                    fields = [[k, s[k]] for k in s.keys()]
                    deps = {k: apt_pkg.parse_depends(s[k], False) for k in s.keys() if k in rel}
                    out.write(json.dumps({"f": fields, "r": deps}) + "\n")
            """,
            path,
            dump,
            string.Join(',', RelationFields));

        using var reader = new Deb822Reader(File.OpenRead(path));
        using var apt = new StreamReader(dump);
        var stanzas = 0;
        var relationFields = 0;
        var relations = 0;
        while (reader.Read() is { } p)
        {
            var line = apt.ReadLine();
            Assert.NotNull(line);
            using var doc = JsonDocument.Parse(line);
            var aptFields = doc.RootElement.GetProperty("f");
            var package = p["Package"];
            Assert.True(aptFields.GetArrayLength() == p.Count, $"{package}: apt sees {aptFields.GetArrayLength()} fields, we see {p.Count}");
            var i = 0;
            foreach (var kv in aptFields.EnumerateArray())
            {
                Assert.Equal(kv[0].GetString(), p[i].Name);
                Assert.True(kv[1].GetString() == p[i].Value, $"{package}: field {p[i].Name} differs from apt's value");
                i++;
            }

            foreach (var rel in doc.RootElement.GetProperty("r").EnumerateObject())
            {
                var set = RelationSet.Parse(p[rel.Name]!, RelationParseOptions.ForField(rel.Name));
                relationFields++;
                Assert.True(rel.Value.GetArrayLength() == set.Count, $"{package}: {rel.Name} has {set.Count} groups, apt {rel.Value.GetArrayLength()}");
                var g = 0;
                foreach (var aptGroup in rel.Value.EnumerateArray())
                {
                    var ours = set[g++];
                    Assert.Equal(aptGroup.GetArrayLength(), ours.Count);
                    var a = 0;
                    foreach (var aptRelation in aptGroup.EnumerateArray())
                    {
                        var r = ours[a++];
                        relations++;
                        var name = r.ArchitectureQualifier is null ? r.Name : r.Name + ":" + r.ArchitectureQualifier.Name;
                        Assert.Equal(aptRelation[0].GetString(), name);
                        Assert.Equal(aptRelation[1].GetString(), r.Version?.OriginalText ?? "");
                        Assert.Equal(aptRelation[2].GetString(), AptOperator(r.Operator));
                    }
                }
            }

            stanzas++;
        }

        Assert.Null(apt.ReadLine());
        Assert.True(stanzas > 10_000);
        Assert.True(relationFields > 50_000, $"only {relationFields} relation fields");
        Assert.True(relations > 200_000, $"only {relations} relations");
    }

    private static string AptOperator(RelationOperator op) => op switch
    {
        RelationOperator.None => "",
        RelationOperator.StrictlyEarlier => "<",
        RelationOperator.EarlierOrEqual => "<=",
        RelationOperator.Equal => "=",
        RelationOperator.LaterOrEqual => ">=",
        RelationOperator.StrictlyLater => ">",
        _ => "?",
    };

    private static int CountLinesStartingWith(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix)
    {
        var count = data.StartsWith(prefix) ? 1 : 0;
        var pos = 0;
        while (true)
        {
            var nl = data[pos..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                return count;
            }

            pos += nl + 1;
            if (data[pos..].StartsWith(prefix))
            {
                count++;
            }
        }
    }

    // Independent count of field lines: lines that are neither empty nor continuation lines.
    private static long CountLinesStartingWithFieldName(ReadOnlySpan<byte> data)
    {
        long count = 0;
        var pos = 0;
        while (pos < data.Length)
        {
            var nl = data[pos..].IndexOf((byte)'\n');
            var line = nl < 0 ? data[pos..] : data.Slice(pos, nl);
            if (line.Length > 0 && line[0] != ' ' && line[0] != '\t')
            {
                count++;
            }

            pos = nl < 0 ? data.Length : pos + nl + 1;
        }

        return count;
    }
}
