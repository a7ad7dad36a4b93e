using System.Text;
using AptOstree.Deb.Apt;
using AptOstree.OSTree;

namespace AptOstree.Compose.Layering;

/// <summary>
/// The APT sources a tree was composed from, recorded in its commit as deb822 text (<see cref="MetadataKey"/>), so a
/// client layers packages from the same sources as the base (no version skew between base and layer).
/// </summary>
public static class RecordedSources
{
    /// <summary><c>s</c>: the sources as deb822 <c>.sources</c> stanzas (Types, URIs, Suites, Components, Architectures, Signed-By).</summary>
    public const string MetadataKey = "aptostree.sources.deb822";

    /// <summary>The deb822 text of <paramref name="sources"/>, one stanza each, in order.</summary>
    public static string Format(IEnumerable<AptSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var sb = new StringBuilder();
        foreach (var source in sources)
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append("Types: ").Append(source.Type).Append('\n')
                .Append("URIs: ").Append(source.Uri).Append('\n')
                .Append("Suites: ").Append(source.Suite).Append('\n');
            if (source.Components.Count > 0)
            {
                sb.Append("Components: ").Append(string.Join(' ', source.Components)).Append('\n');
            }

            if (source.Architectures.Count > 0)
            {
                sb.Append("Architectures: ").Append(string.Join(' ', source.Architectures)).Append('\n');
            }

            if (source.SignedBy is { } signedBy)
            {
                var lines = signedBy.Split('\n');
                sb.Append("Signed-By:");
                if (lines.Length == 1)
                {
                    sb.Append(' ').Append(signedBy).Append('\n');
                }
                else
                {
                    // An inline key: deb822 continuation lines, an empty line written as " .".
                    sb.Append('\n');
                    foreach (var line in lines)
                    {
                        sb.Append(' ').Append(line.Length == 0 ? "." : line).Append('\n');
                    }
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>The sources recorded in <paramref name="commit"/>; empty when it records none.</summary>
    /// <exception cref="AptOstreeException">The recorded text is malformed.</exception>
    public static IReadOnlyList<AptSource> Read(OstreeCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        return commit.GetMetadata(MetadataKey)?.AsString() is { Length: > 0 } text
            ? SourcesList.ParseDeb822(text, $"commit metadata {MetadataKey}")
            : [];
    }
}
