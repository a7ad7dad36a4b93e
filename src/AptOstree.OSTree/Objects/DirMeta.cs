using System.Buffers.Binary;
using AptOstree.OSTree.GVariant;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>A dirmeta object <c>(uuua(ayay))</c>: a directory's owner, mode and xattrs.</summary>
/// <param name="Uid">Owner user id.</param>
/// <param name="Gid">Owner group id.</param>
/// <param name="Mode">Full st_mode (directory type bits plus 07777).</param>
/// <param name="Xattrs">Extended attributes, sorted by name.</param>
public sealed record DirMeta(uint Uid, uint Gid, uint Mode, IReadOnlyList<ExtendedAttribute> Xattrs)
{
    internal const string GVariantType = "(uuua(ayay))";

    /// <summary>root:root 0755 with no xattrs — the most common dirmeta.</summary>
    public static DirMeta Default { get; } = new(0, 0, UnixMode.Directory | PosixPermissions.Directory, []);

    /// <summary>Creates a directory dirmeta from permission bits.</summary>
    public static DirMeta Create(uint uid, uint gid, uint permissions, IReadOnlyList<ExtendedAttribute>? xattrs = null) =>
        new(uid, gid, UnixMode.Directory | (permissions & UnixMode.PermissionMask), ExtendedAttribute.Canonicalize(xattrs ?? []));

    /// <summary>The serialized object (its SHA-256 is its name).</summary>
    public byte[] Serialize() => GVariantSerializer.Serialize(GVariantType, new object[]
    {
        BinaryPrimitives.ReverseEndianness(Uid), BinaryPrimitives.ReverseEndianness(Gid),
        BinaryPrimitives.ReverseEndianness(Mode), ExtendedAttribute.ToGVariant(Xattrs),
    });

    /// <summary>Parses and validates a dirmeta object.</summary>
    /// <exception cref="InvalidFormatException">Bad framing, not normal form, not a directory mode, unsorted xattrs.</exception>
    public static DirMeta Parse(ReadOnlySpan<byte> data, string source, bool requireNormalForm = true)
    {
        var t = (object[])GVariantSerializer.Deserialize(GVariantType, data, source, requireNormalForm);
        var meta = new DirMeta(
            BinaryPrimitives.ReverseEndianness((uint)t[0]), BinaryPrimitives.ReverseEndianness((uint)t[1]),
            BinaryPrimitives.ReverseEndianness((uint)t[2]), ExtendedAttribute.FromGVariant(t[3], source));
        if (!UnixMode.IsDirectory(meta.Mode) || (meta.Mode & ~(UnixMode.TypeMask | UnixMode.PermissionMask)) != 0)
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"dirmeta mode 0{Convert.ToString(meta.Mode, 8)} is not a directory mode");
        }

        ExtendedAttribute.ValidateSorted(meta.Xattrs, source);
        return meta;
    }
}
