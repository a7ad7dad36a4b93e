using System.Runtime.CompilerServices;
using System.Text;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Versioning;

/// <summary>
/// Runs many <c>dpkg --compare-versions</c> calls through one <c>sh</c> process (one fork of dpkg per call,
/// but no .NET process start per call) and returns each exit status: 0 true, 1 false, 2 error.
/// </summary>
internal static class DpkgOracle
{
    public static int[] CompareVersions(IReadOnlyList<(string Left, string Relation, string Right)> calls)
    {
        ExternalTool.Require("dpkg", "sh");
        var script = new StringBuilder();
        foreach (var (left, relation, right) in calls)
        {
            script.Append("dpkg --compare-versions -- ").Append(Quote(left)).Append(' ').Append(Quote(relation)).Append(' ')
                  .Append(Quote(right)).Append(" 2>/dev/null; echo $?\n");
        }

        var result = ExternalTool.Run("sh", ["-s"], standardInput: script.ToString()).EnsureSuccess("sh running dpkg --compare-versions");
        var codes = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        Assert.Equal(calls.Count, codes.Length);
        return codes;
    }

    /// <summary>Runs <c>dpkg --compare-versions</c> once, returning the exit status and stderr.</summary>
    public static ToolResult CompareOnce(string left, string relation, string right)
    {
        ExternalTool.Require("dpkg");
        return ExternalTool.Run("dpkg", ["--compare-versions", "--", left, relation, right]);
    }

    public static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The directory of this source file (test data lives next to the tests, not in the build output).</summary>
    public static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
