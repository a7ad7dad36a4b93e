using System.Text;
using AptOstree.Deb.Solver;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of the control-file grammars: deb822 paragraphs (from text and from bytes, so invalid UTF-8 is
/// covered), Debian versions (parse, try-parse and comparison must agree), relation fields with every option set,
/// package requests and architecture patterns.
/// </summary>
public sealed class ControlTextFuzzTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("control", 801)]
    [InlineData("packages", 802)]
    [InlineData("status", 803)]
    public void Deb822_paragraphs(string sample, int seed)
    {
        var text = sample switch { "control" => FuzzInputs.Control, "packages" => FuzzInputs.Packages, _ => FuzzInputs.Status };
        var random = new Random(seed);
        FuzzHarness.Run(output, $"deb822 ({sample}, seed {seed})", Cases(random, text, 400 * FuzzHarness.Scale), c =>
        {
            var asText = Encoding.UTF8.GetString(c.Input);
            foreach (var p in Deb822Reader.ParseAll(asText, sourceName: "fuzz"))
            {
                Touch(p);
            }

            using (var reader = new Deb822Reader(new MemoryStream(c.Input), sourceName: "fuzz"))
            {
                while (reader.Read() is { } p)
                {
                    Touch(p);
                }
            }

            using (var reader = new Deb822Reader(new ForwardOnlyStream(c.Input), sourceName: "fuzz"))
            {
                while (reader.ReadAsync().AsTask().GetAwaiter().GetResult() is { } p)
                {
                    Touch(p);
                }
            }

            var firstParagraph = asText.IndexOf("\n\n", StringComparison.Ordinal) is var end and >= 0 ? asText[..end] : asText;
            Touch(Deb822Paragraph.Parse(firstParagraph));
        });
    }

    [Fact]
    public void Debian_versions()
    {
        var random = new Random(811);
        FuzzHarness.Run(output, "versions", VersionCases(random), c =>
        {
            var text = Encoding.UTF8.GetString(c.Input);
            var other = FuzzInputs.Versions[c.Input.Length % FuzzInputs.Versions.Count];
            var parsed = DebianVersion.TryParse(text, out var version);
            Assert.Equal(parsed, DebianVersion.TryParse(text.AsSpan(), out _));
            if (parsed)
            {
                Assert.Equal(version, DebianVersion.Parse(text));
                _ = version!.ToString();
                var order = DebianVersion.Compare(text, other);
                Assert.Equal(order, DebianVersion.Compare(text.AsSpan(), other.AsSpan()));
                Assert.Equal(Math.Sign(order), -Math.Sign(DebianVersion.Compare(other, text)));
            }
            else
            {
                DebianVersion.Parse(text);
            }
        });
    }

    [Fact]
    public void Relation_fields()
    {
        var random = new Random(821);
        RelationParseOptions[] options =
        [
            RelationParseOptions.Default,
            RelationParseOptions.ForField("Provides"),
            RelationParseOptions.ForField("Depends"),
            RelationParseOptions.ForField("Build-Depends"),
            new() { AllowAlternatives = false, AllowArchitectureRestrictions = false, AllowBuildProfiles = false, OnlyEqualOperator = true },
        ];
        FuzzHarness.Run(output, "relations", RelationCases(random), c =>
        {
            var text = Encoding.UTF8.GetString(c.Input);
            var chosen = options[c.Input.Length % options.Length];
            var parsed = RelationSet.TryParse(text, out var set, chosen);
            if (parsed)
            {
                _ = set!.ToString();
                foreach (var group in set)
                {
                    foreach (var relation in group)
                    {
                        _ = relation.ToString();
                        _ = relation.BuildProfiles?.Evaluate(["nocheck"]);
                    }
                }
            }

            try
            {
                RelationSet.Parse(text, chosen);
                Assert.True(parsed, "RelationSet.Parse accepted what TryParse refused");
            }
            catch (AptOstreeException)
            {
                Assert.False(parsed, "RelationSet.Parse refused what TryParse accepted");
            }

            RelationSet.ParseField("Depends", text);
            Relation.Parse(text.Split(',')[0].Split('|')[0], chosen);
        });
    }

    [Fact]
    public void Package_requests_and_architecture_patterns()
    {
        var random = new Random(831);
        string[] requests = ["vim", "libc6:amd64", "vim=2:9.0.1378-2", "vim/bookworm-backports", "foo:any=1.0", "linux-image-amd64:i386/stable", "any-amd64", "linux-any", "gnu-any-any", "musl-linux-arm64"];
        FuzzHarness.Run(output, "requests and architectures", Cases(random, requests, 600 * FuzzHarness.Scale), c =>
        {
            var text = Encoding.UTF8.GetString(c.Input);
            _ = PackageRequest.Parse(text);
            _ = DebianArchitectures.GetTuple(text);
            _ = DebianArchitectures.Matches("amd64", text);
            _ = DebianArchitectures.Matches(text, "linux-any");
            _ = DebianArchitectures.Matches(text, text);
        });
    }

    internal static IEnumerable<FuzzCase> Cases(Random random, string text, int count) => Cases(random, [text], count);

    /// <summary>Mutated copies of the samples: half character-level (grammar tokens), half byte-level (invalid UTF-8).</summary>
    internal static IEnumerable<FuzzCase> Cases(Random random, IReadOnlyList<string> samples, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var sample = samples[random.Next(samples.Count)];
            if (random.Next(2) == 0)
            {
                var (text, description) = TextMutator.Mutate(random, sample);
                yield return new FuzzCase($"#{i}: {description}", Encoding.UTF8.GetBytes(text));
            }
            else
            {
                var m = ByteMutator.Mutate(random, Encoding.UTF8.GetBytes(sample));
                yield return new FuzzCase($"#{i}: {m.Description}", m.Data);
            }
        }
    }

    private static IEnumerable<FuzzCase> VersionCases(Random random) => Cases(random, FuzzInputs.Versions, 1500 * FuzzHarness.Scale);

    private static IEnumerable<FuzzCase> RelationCases(Random random) => Cases(random, FuzzInputs.Relations, 1500 * FuzzHarness.Scale);

    private static void Touch(Deb822Paragraph paragraph)
    {
        foreach (var field in paragraph)
        {
            _ = field.ToString();
        }

        foreach (var name in paragraph.Names)
        {
            _ = paragraph.GetFoldedValue(name);
            _ = paragraph.GetLines(name);
        }

        _ = paragraph.Without("Package").With("X-Fuzz", "value\n continued");
    }
}
