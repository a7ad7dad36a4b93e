using System.CommandLine;
using System.Globalization;
using System.Text;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;

namespace AptOstree.Cli.Commands;

/// <summary>`log`, `show`, `cat`, `diff`: read-only views with ostree's output formats.</summary>
internal static class OstreeInspectCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Log();
        yield return Show();
        yield return Cat();
        yield return Diff();
    }

    /// <summary>ostree's commit block (ot-dump.c): commit, Parent, ContentChecksum, Date, Version, indented subject and body.</summary>
    internal static string FormatCommit(Checksum checksum, OstreeCommit commit)
    {
        var sb = new StringBuilder();
        sb.Append("commit ").Append(checksum).Append('\n');
        if (commit.Parent is Checksum parent)
        {
            sb.Append("Parent:  ").Append(parent).Append('\n');
        }

        sb.Append("ContentChecksum:  ").Append(commit.ContentChecksum).Append('\n');
        sb.Append("Date:  ").Append(commit.Time.ToString("yyyy-MM-dd HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append('\n');
        if (commit.Version is string version)
        {
            sb.Append("Version: ").Append(version).Append('\n');
        }

        if (commit.Subject.Length > 0)
        {
            sb.Append('\n');
            Indent(sb, commit.Subject);
        }
        else
        {
            sb.Append("(no subject)\n");
        }

        if (commit.Body.Length > 0)
        {
            sb.Append('\n');
            Indent(sb, commit.Body);
        }

        return sb.Append('\n').ToString();
    }

    private static void Indent(StringBuilder sb, string text)
    {
        foreach (var line in text.Split('\n'))
        {
            sb.Append("    ").Append(line).Append('\n');
        }
    }

    private static Command Log()
    {
        var repo = OstreeCommand.RepoOption();
        var rev = new Argument<string>("REV");
        var raw = new Option<bool>("--raw") { Description = "Show raw variant data." };
        var command = new Command("log", "Show log starting at commit or ref.") { repo, raw, rev };
        command.SetAction(parseResult =>
        {
            var repository = OstreeCommand.OpenRepo(parseResult, repo);
            foreach (var (checksum, commit) in repository.Browse().Log(repository.ResolveRev(parseResult.GetValue(rev)!)))
            {
                Console.Write(parseResult.GetValue(raw) ? FormatRawCommit(repository, checksum) : FormatCommit(checksum, commit));
            }

            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var repo = OstreeCommand.RepoOption();
        var rev = new Argument<string>("OBJECT");
        var key = new Option<string?>("--print-metadata-key") { Description = "Print string value of metadata key." };
        var detachedKey = new Option<string?>("--print-detached-metadata-key") { Description = "Print string value of detached metadata key." };
        var raw = new Option<bool>("--raw") { Description = "Show raw variant data." };
        var gpgHomedir = new Option<string?>("--gpg-homedir") { Description = "GPG Homedir to use when looking for keyrings." };
        var command = new Command("show", "Output a metadata object.") { repo, rev, key, detachedKey, raw, gpgHomedir };
        command.SetAction(parseResult =>
        {
            var repository = OstreeCommand.OpenRepo(parseResult, repo);
            var checksum = repository.ResolveRev(parseResult.GetValue(rev)!);
            var commit = repository.ReadCommit(checksum);

            // Like ostree: the value's GVariant text, type-annotated and byte-swapped as ostree prints on little-endian hosts.
            if (parseResult.GetValue(key) is string k)
            {
                var value = commit.GetMetadata(k) ?? throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"No such metadata key '{k}'.");
                Console.WriteLine(GVariantText.Print(value.Type, GVariantText.ByteSwap(value.Value)));
                return 0;
            }

            if (parseResult.GetValue(detachedKey) is string d)
            {
                var detached = repository.Objects.ReadDetachedMetadata(checksum)?.FirstOrDefault(kv => kv.Key == d).Value
                    ?? throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"No such metadata key '{d}'.");
                Console.WriteLine(GVariantText.Print(detached.Type, GVariantText.ByteSwap(detached.Value)));
                return 0;
            }

            Console.Write(parseResult.GetValue(raw) ? FormatRawCommit(repository, checksum) : FormatCommit(checksum, commit));
            Console.Write(OstreeGpgSignatureText.Describe(repository, checksum, parseResult.GetValue(gpgHomedir)));
            return 0;
        });
        return command;
    }

    /// <summary>ostree's <c>--raw</c> commit dump: the header line, then the byte-swapped commit variant, type-annotated.</summary>
    private static string FormatRawCommit(OstreeRepository repository, Checksum checksum)
    {
        const string commitType = "(a{sv}aya(say)sstayay)";
        string name = checksum + ".commit";
        var variant = GVariantSerializer.Deserialize(commitType, repository.Objects.ReadMetadataBytes(checksum, ObjectType.Commit), name, requireNormalForm: false);
        return $"commit {checksum}\n{GVariantText.Print(commitType, GVariantText.ByteSwap(variant), annotate: true)}\n";
    }

    private static Command Cat()
    {
        var repo = OstreeCommand.RepoOption();
        var rev = new Argument<string>("COMMIT");
        var paths = new Argument<string[]>("PATH") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("cat", "Concatenate contents of files.") { repo, rev, paths };
        command.SetAction(parseResult =>
        {
            var repository = OstreeCommand.OpenRepo(parseResult, repo);
            var commit = repository.ResolveRev(parseResult.GetValue(rev)!);
            using var stdout = Console.OpenStandardOutput();
            foreach (var path in parseResult.GetValue(paths) ?? [])
            {
                using var content = repository.Browse().OpenFile(commit, path);
                content.Content.CopyTo(stdout);
            }

            return 0;
        });
        return command;
    }

    private static Command Diff()
    {
        var repo = OstreeCommand.RepoOption();
        var from = new Argument<string>("REV_A");
        var to = new Argument<string>("REV_B");
        var command = new Command("diff", "Compare two commits.") { repo, from, to };
        command.SetAction(parseResult =>
        {
            var repository = OstreeCommand.OpenRepo(parseResult, repo);
            foreach (var d in repository.Browse().Diff(repository.ResolveRev(parseResult.GetValue(from)!), repository.ResolveRev(parseResult.GetValue(to)!)))
            {
                Console.WriteLine(d);
            }

            return 0;
        });
        return command;
    }
}
