namespace AptOstree.OSTree;

/// <summary>File-name extensions of object types.</summary>
public static class ObjectTypeExtensions
{
    /// <summary>The loose-object file extension (without the dot); <c>filez</c> for content in archive repos.</summary>
    public static string Extension(this ObjectType type, bool archive = false) => type switch
    {
        ObjectType.File => archive ? "filez" : "file",
        ObjectType.DirTree => "dirtree",
        ObjectType.DirMeta => "dirmeta",
        ObjectType.Commit => "commit",
        ObjectType.TombstoneCommit => "tombstone-commit",
        ObjectType.CommitMeta => "commitmeta",
        ObjectType.PayloadLink => "payload-link",
        ObjectType.FileXattrs => "file-xattrs",
        ObjectType.FileXattrsLink => "file-xattrs-link",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown object type."),
    };

    /// <summary>Parses a loose-object extension; false for anything else.</summary>
    public static bool TryParseExtension(string extension, out ObjectType type)
    {
        type = extension switch
        {
            "file" or "filez" => ObjectType.File,
            "dirtree" => ObjectType.DirTree,
            "dirmeta" => ObjectType.DirMeta,
            "commit" => ObjectType.Commit,
            "tombstone-commit" => ObjectType.TombstoneCommit,
            "commitmeta" => ObjectType.CommitMeta,
            "payload-link" => ObjectType.PayloadLink,
            "file-xattrs" => ObjectType.FileXattrs,
            "file-xattrs-link" => ObjectType.FileXattrsLink,
            _ => 0,
        };
        return type != 0;
    }

    /// <summary>True for the types named by the hash of their serialized bytes (commit, dirtree, dirmeta, …).</summary>
    public static bool IsMetadata(this ObjectType type) => type is not ObjectType.File and not ObjectType.FileXattrsLink and not ObjectType.PayloadLink;
}
