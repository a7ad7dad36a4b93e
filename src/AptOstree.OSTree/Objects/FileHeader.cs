using System.Buffers.Binary;
using AptOstree.OSTree.GVariant;
using AptOstree.Posix;

namespace AptOstree.OSTree;

/// <summary>
/// The metadata of a content object — what its checksum covers besides the bytes: owner, full <c>st_mode</c>,
/// symlink target and xattrs (GVariant <c>(uuuusa(ayay))</c>, integers big-endian).
/// </summary>
/// <param name="Uid">Owner user id.</param>
/// <param name="Gid">Owner group id.</param>
/// <param name="Mode">Full st_mode including the type bits (regular file or symlink).</param>
/// <param name="SymlinkTarget">The link text for symlinks, empty for regular files.</param>
/// <param name="Xattrs">Extended attributes, sorted by name.</param>
public sealed record FileHeader(uint Uid, uint Gid, uint Mode, string SymlinkTarget, IReadOnlyList<ExtendedAttribute> Xattrs)
{
    private const string ChecksumType = "(uuuusa(ayay))";
    private const string ArchiveType = "(tuuuusa(ayay))";
    private const string UserMetaType = "(uuua(ayay))";

    /// <summary>True for a symlink.</summary>
    public bool IsSymlink => UnixMode.IsSymlink(Mode);

    /// <summary>True for a regular file.</summary>
    public bool IsRegularFile => UnixMode.IsRegular(Mode);

    /// <summary>A regular file header.</summary>
    public static FileHeader ForFile(uint uid, uint gid, uint mode, IReadOnlyList<ExtendedAttribute>? xattrs = null) =>
        new(uid, gid, UnixMode.Regular | (mode & UnixMode.PermissionMask), string.Empty, xattrs ?? []);

    /// <summary>A symlink header (mode 0777).</summary>
    public static FileHeader ForSymlink(uint uid, uint gid, string target, IReadOnlyList<ExtendedAttribute>? xattrs = null) =>
        new(uid, gid, UnixMode.Symlink | PosixPermissions.All, target, xattrs ?? []);

    /// <summary>The prefix of the checksum stream: <c>BE32(len) ‖ 0000 ‖ (uuuusa(ayay))</c>.</summary>
    public byte[] SerializeForChecksum()
    {
        byte[] body = GVariantSerializer.Serialize(ChecksumType, new object[]
        {
            BinaryPrimitives.ReverseEndianness(Uid), BinaryPrimitives.ReverseEndianness(Gid),
            BinaryPrimitives.ReverseEndianness(Mode), 0u, SymlinkTarget, ExtendedAttribute.ToGVariant(Xattrs),
        });
        return LengthPrefixed(body);
    }

    /// <summary>The archive (<c>.filez</c>) header: <c>BE32(len) ‖ 0000 ‖ (tuuuusa(ayay))</c>.</summary>
    public byte[] SerializeArchiveHeader(ulong size)
    {
        byte[] body = GVariantSerializer.Serialize(ArchiveType, new object[]
        {
            BinaryPrimitives.ReverseEndianness(size), BinaryPrimitives.ReverseEndianness(Uid), BinaryPrimitives.ReverseEndianness(Gid),
            BinaryPrimitives.ReverseEndianness(Mode), 0u, SymlinkTarget, ExtendedAttribute.ToGVariant(Xattrs),
        });
        return LengthPrefixed(body);
    }

    /// <summary>The bare-user <c>user.ostreemeta</c> value <c>(uuua(ayay))</c>.</summary>
    public byte[] SerializeUserMeta() => GVariantSerializer.Serialize(UserMetaType, new object[]
    {
        BinaryPrimitives.ReverseEndianness(Uid), BinaryPrimitives.ReverseEndianness(Gid),
        BinaryPrimitives.ReverseEndianness(Mode), ExtendedAttribute.ToGVariant(Xattrs),
    });

    /// <summary>Parses a bare-user <c>user.ostreemeta</c> value; the symlink target is supplied separately.</summary>
    public static FileHeader ParseUserMeta(ReadOnlySpan<byte> data, string source, string symlinkTarget = "")
    {
        var t = (object[])GVariantSerializer.Deserialize(UserMetaType, data, source, requireNormalForm: false);
        return new FileHeader(
            BinaryPrimitives.ReverseEndianness((uint)t[0]), BinaryPrimitives.ReverseEndianness((uint)t[1]),
            BinaryPrimitives.ReverseEndianness((uint)t[2]), symlinkTarget, ExtendedAttribute.FromGVariant(t[3], source));
    }

    /// <summary>Parses the header of a <c>.filez</c> object.</summary>
    /// <param name="data">At least the first <c>8 + H</c> bytes of the object.</param>
    /// <param name="source">Object name for errors.</param>
    /// <param name="size">The uncompressed content size.</param>
    /// <param name="headerLength">Bytes taken by the prefix and header; the DEFLATE payload follows.</param>
    public static FileHeader ParseArchiveHeader(ReadOnlySpan<byte> data, string source, out ulong size, out int headerLength)
    {
        if (data.Length < 8)
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, "archive object is shorter than its 8-byte length prefix");
        }

        uint h = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (h == 0 || h > data.Length - 8)
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"archive header length {h} is invalid for a {data.Length}-byte object");
        }

        var t = (object[])GVariantSerializer.Deserialize(ArchiveType, data.Slice(8, (int)h), source, requireNormalForm: false);
        size = BinaryPrimitives.ReverseEndianness((ulong)t[0]);
        if ((uint)t[4] != 0)
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, "archive header has a non-zero rdev");
        }

        headerLength = 8 + (int)h;
        var header = new FileHeader(
            BinaryPrimitives.ReverseEndianness((uint)t[1]), BinaryPrimitives.ReverseEndianness((uint)t[2]),
            BinaryPrimitives.ReverseEndianness((uint)t[3]), (string)t[5], ExtendedAttribute.FromGVariant(t[6], source));
        header.Validate(source);
        return header;
    }

    /// <summary>Checks the mode is a regular file or symlink and the xattrs are canonical.</summary>
    public void Validate(string source)
    {
        if (!IsRegularFile && !IsSymlink)
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"mode 0{Convert.ToString(Mode, 8)} is neither a regular file nor a symlink");
        }

        if ((Mode & ~(UnixMode.TypeMask | UnixMode.PermissionMask)) != 0)
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, $"mode 0{Convert.ToString(Mode, 8)} has invalid bits");
        }

        if (IsSymlink && SymlinkTarget.Length == 0)
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, "symlink has an empty target");
        }

        if (SymlinkTarget.Contains('\0', StringComparison.Ordinal))
        {
            throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, source, "symlink target contains a NUL byte");
        }

        ExtendedAttribute.ValidateSorted(Xattrs, source);
    }

    private static byte[] LengthPrefixed(byte[] body)
    {
        byte[] result = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(result, (uint)body.Length);
        body.CopyTo(result, 8);
        return result;
    }
}
