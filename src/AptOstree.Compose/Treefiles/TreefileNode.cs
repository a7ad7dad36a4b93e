using YamlDotNet.RepresentationModel;

namespace AptOstree.Compose;

/// <summary>
/// A treefile value after includes were merged, remembering the file and YAML node each part came from so errors
/// can name the file, line and field. Lists concatenate and mappings merge key by key; anything else is replaced by
/// the later file, as rpm-ostree's <c>include</c> does.
/// </summary>
internal sealed class TreefileNode
{
    private TreefileNode(YamlNode node, string file)
    {
        Node = node;
        File = file;
    }

    public YamlNode Node { get; }

    public string File { get; }

    public List<TreefileNode>? Items { get; private init; }

    public Dictionary<string, TreefileNode>? Fields { get; private init; }

    public bool IsScalar => Node is YamlScalarNode;

    public string Where => $"{File}:{Node.Start.Line}:{Node.Start.Column}";

    public static TreefileNode From(YamlNode node, string file) => node switch
    {
        YamlSequenceNode seq => new TreefileNode(node, file) { Items = seq.Children.Select(c => From(c, file)).ToList() },
        YamlMappingNode map => new TreefileNode(node, file) { Fields = MapFields(map, file) },
        _ => new TreefileNode(node, file),
    };

    /// <summary>Merges <paramref name="later"/> over <paramref name="earlier"/>.</summary>
    public static TreefileNode Merge(TreefileNode earlier, TreefileNode later)
    {
        if (earlier.Items is not null && later.Items is not null)
        {
            return new TreefileNode(earlier.Node, earlier.File) { Items = [.. earlier.Items, .. later.Items] };
        }

        if (earlier.Fields is not null && later.Fields is not null)
        {
            var merged = new Dictionary<string, TreefileNode>(earlier.Fields, StringComparer.Ordinal);
            foreach (var (key, value) in later.Fields)
            {
                merged[key] = merged.TryGetValue(key, out var old) ? Merge(old, value) : value;
            }

            return new TreefileNode(later.Node, later.File) { Fields = merged };
        }

        return later;
    }

    private static Dictionary<string, TreefileNode> MapFields(YamlMappingNode map, string file)
    {
        var fields = new Dictionary<string, TreefileNode>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
            {
                throw TreefileLoader.Error($"{file}:{key.Start.Line}:{key.Start.Column}", "?", "a field name must be a plain string");
            }

            if (!fields.TryAdd(name, From(value, file)))
            {
                throw TreefileLoader.Error($"{file}:{key.Start.Line}:{key.Start.Column}", name, "the field appears twice");
            }
        }

        return fields;
    }
}
