using System.CommandLine;
using System.Text;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree ls COMMIT [PATH…]` with ostree's `-R`, `-C`, `-d`, `-X` and `--nul-filenames-only`.</summary>
internal static class OstreeLsCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var dirOnly = new Option<bool>("--dironly", "-d") { Description = "Do not recurse into directory arguments." };
        var recursive = new Option<bool>("--recursive", "-R") { Description = "Print directories recursively." };
        var checksums = new Option<bool>("--checksum", "-C") { Description = "Print checksum." };
        var xattrs = new Option<bool>("--xattrs", "-X") { Description = "Print extended attributes." };
        var nulNames = new Option<bool>("--nul-filenames-only") { Description = "Print only filenames, NUL separated." };
        var rev = new Argument<string>("COMMIT");
        var paths = new Argument<string[]>("PATH") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("ls", "List file paths.") { repo, dirOnly, recursive, checksums, xattrs, nulNames, rev, paths };
        command.SetAction(parseResult =>
        {
            var repository = repo.Open(parseResult);
            var commit = repository.ResolveRev(parseResult.GetValue(rev)!);
            bool withChecksums = parseResult.GetValue(checksums);
            bool withXattrs = parseResult.GetValue(xattrs);
            bool namesOnly = parseResult.GetValue(nulNames);
            using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { NewLine = "\n" };
            foreach (var path in parseResult.GetValue(paths) is { Length: > 0 } given ? given : ["/"])
            {
                var entries = repository.Browse().List(commit, path, recursive: parseResult.GetValue(recursive));
                foreach (var entry in parseResult.GetValue(dirOnly) ? entries.Take(1) : entries)
                {
                    if (namesOnly)
                    {
                        stdout.Write(entry.Path);
                        stdout.Write('\0');
                    }
                    else
                    {
                        stdout.WriteLine(withXattrs ? WithXattrs(entry, entry.ToLsLine(withChecksums)) : entry.ToLsLine(withChecksums));
                    }
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>Inserts <c>{ XATTRS } </c> before the path, as <c>ostree ls -X</c> prints it.</summary>
    private static string WithXattrs(TreeEntry entry, string line)
    {
        int tail = entry.Path.Length + (entry.IsSymlink ? " -> ".Length + entry.SymlinkTarget.Length : 0);
        return line[..^tail] + "{ " + PrintXattrs(entry.Xattrs) + " } " + line[^tail..];
    }

    /// <summary><c>g_variant_print (xattrs, TRUE)</c> of the <c>a(ayay)</c>; names are stored NUL-terminated.</summary>
    internal static string PrintXattrs(IReadOnlyList<ExtendedAttribute> attributes) =>
        GVariantText.Print("a(ayay)", attributes.Select(a => (object)new object[] { (byte[])[.. Encoding.UTF8.GetBytes(a.Name), 0], a.Value }).ToArray());
}
