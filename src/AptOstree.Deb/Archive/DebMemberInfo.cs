
namespace AptOstree.Deb;

/// <summary>A control or data member of a .deb: its name, codec and position in the file.</summary>
/// <param name="Name">Member name, e.g. <c>data.tar.xz</c>.</param>
/// <param name="Compression">Codec selected by the name suffix.</param>
/// <param name="Size">Compressed size in bytes.</param>
/// <param name="DataOffset">Offset of the member data in the .deb.</param>
public sealed record DebMemberInfo(string Name, DebCompression Compression, long Size, long DataOffset);
