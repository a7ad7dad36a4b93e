using System.CommandLine;
using AptOstree.Deb;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree deb compare-versions A OP B`.</summary>
internal static class DebCompareVersionsCommand
{
    public static Command Create()
    {
        var left = new Argument<string>("version-a") { Description = "The first version (empty or <unknown> means no version)." };
        var relation = new Argument<string>("relation")
        {
            Description = "lt le eq ne ge gt (empty version is earliest), lt-nl le-nl ge-nl gt-nl (empty version is latest), or << <= = >= >> < >.",
        };
        var right = new Argument<string>("version-b") { Description = "The second version (empty or <unknown> means no version)." };
        var command = new Command("compare-versions", "Compare two Debian versions like dpkg --compare-versions (exit 0 when true, 1 when false).");
        command.Arguments.Add(left);
        command.Arguments.Add(relation);
        command.Arguments.Add(right);
        command.SetAction(parseResult =>
        {
            var a = parseResult.GetValue(left) ?? "";
            var op = parseResult.GetValue(relation) ?? "";
            var b = parseResult.GetValue(right) ?? "";
            if (DpkgCompareVersions.IsObsoleteRelation(op))
            {
                Console.Error.WriteLine($"apt-ostree: warning: deb compare-versions used with obsolete relation operator '{op}'");
            }

            foreach (var text in new[] { a, b })
            {
                if (text.Length > 0 && text != "<unknown>" && DebianVersion.TryParse(text, out var v) && v.Warning is { } warning)
                {
                    Console.Error.WriteLine($"apt-ostree: warning: version '{text}' has bad syntax: {warning}");
                }
            }

            // Like dpkg: a bad relation or a malformed version is an error (exit status 2), not "false".
            return DpkgCompareVersions.Evaluate(a, op, b) ? 0 : 1;
        });
        return command;
    }
}
