using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AptOstree.Samples.Tests.Conventions;

/// <summary>The README's error-code table lists exactly the codes the four packages define, each once.</summary>
public partial class ErrorCodeTableTests
{
    private static readonly string[] Packages = ["AptOstree.Core", "AptOstree.Deb", "AptOstree.OSTree", "AptOstree.Compose"];

    [Fact]
    public void ReadmeTable_ListsEveryCodeOfEveryPackage_AndNothingElse()
    {
        var defined = DefinedCodes();
        var documented = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match row in TableRow().Matches(File.ReadAllText(Path.Combine(SampleTools.RepositoryRoot, "README.md"))))
        {
            Assert.True(documented.TryAdd(row.Groups["code"].Value, row.Groups["constant"].Value), $"{row.Groups["code"].Value} is listed twice in the README.");
        }

        var missing = defined.Where(d => !documented.TryGetValue(d.Code, out var constant) || constant != d.Constant).ToList();
        var stale = documented.Where(d => !defined.Any(c => c.Code == d.Key && c.Constant == d.Value)).Select(d => $"{d.Key} {d.Value}").ToList();
        Assert.True(
            missing.Count == 0 && stale.Count == 0,
            $"README.md's error-code table differs from the code.\nAdd or correct these rows:\n{string.Join('\n', missing.Select(m => $"| `{m.Code}` | `{m.Constant}` | {m.Summary} |"))}\nRemove these: {string.Join(", ", stale)}");
    }

    [Fact]
    public void ErrorCodes_AcrossAllPackages_AreUniqueAndInTheirPackagesRange()
    {
        var defined = DefinedCodes();
        Assert.NotEmpty(defined);
        foreach (var duplicate in defined.GroupBy(d => d.Code).Where(g => g.Count() > 1))
        {
            Assert.Fail($"{duplicate.Key} is defined more than once: {string.Join(", ", duplicate.Select(d => d.Constant))}");
        }

        var ranges = new Dictionary<string, char>(StringComparer.Ordinal)
        {
            ["CoreErrorCodes"] = '1', ["DebErrorCodes"] = '2', ["OstreeErrorCodes"] = '3',
            ["AptErrorCodes"] = '4', ["DeploymentErrorCodes"] = '5', ["ComposeErrorCodes"] = '6', ["LayeringErrorCodes"] = '6',
        };
        Assert.All(defined, d => Assert.True(ranges.TryGetValue(d.Constant.Split('.')[0], out char first) && d.Code[2] == first, $"{d.Constant} = {d.Code} is outside its package's range."));
    }

    /// <summary>Every public <c>const string</c> of every <c>*ErrorCodes</c> class, with its XML summary.</summary>
    private static List<(string Code, string Constant, string Summary)> DefinedCodes()
    {
        var codes = new List<(string, string, string)>();
        foreach (var package in Packages)
        {
            var assembly = Assembly.Load(package);
            var docs = XDocument.Load(Path.Combine(AppContext.BaseDirectory, package + ".xml"));
            foreach (var type in assembly.GetExportedTypes().Where(t => t.Name.EndsWith("ErrorCodes", StringComparison.Ordinal)))
            {
                foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
                {
                    string summary = docs.Descendants("member").FirstOrDefault(m => (string?)m.Attribute("name") == $"F:{type.FullName}.{field.Name}")?.Element("summary")?.Value ?? string.Empty;
                    codes.Add(((string)field.GetRawConstantValue()!, $"{type.Name}.{field.Name}", Regex.Replace(summary, @"\s+", " ").Trim()));
                }
            }
        }

        return codes;
    }

    [GeneratedRegex(@"^\| `(?<code>AO\d{4})` \| `(?<constant>\w+\.\w+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
