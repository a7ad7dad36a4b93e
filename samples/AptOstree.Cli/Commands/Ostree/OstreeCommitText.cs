using System.Globalization;
using System.Text;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;

namespace AptOstree.Cli.Commands;

/// <summary>The commit block `log` and `show` print, plain (ot-dump.c) and <c>--raw</c>.</summary>
internal static class OstreeCommitText
{
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

    /// <summary>ostree's <c>--raw</c> commit dump: the header line, then the byte-swapped commit variant, type-annotated.</summary>
    internal static string FormatRawCommit(OstreeRepository repository, Checksum checksum)
    {
        const string commitType = "(a{sv}aya(say)sstayay)";
        string name = checksum + ".commit";
        var variant = GVariantSerializer.Deserialize(commitType, repository.Objects.ReadMetadataBytes(checksum, ObjectType.Commit), name, requireNormalForm: false);
        return $"commit {checksum}\n{GVariantText.Print(commitType, GVariantText.ByteSwap(variant), annotate: true)}\n";
    }
}
