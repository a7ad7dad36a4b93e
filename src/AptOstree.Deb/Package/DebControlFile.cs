using System.Text;

namespace AptOstree.Deb;

/// <summary>One file of the control archive (<c>control</c>, <c>md5sums</c>, a maintainer script, ...).</summary>
/// <param name="Name">Name without the leading <c>./</c>, e.g. <c>postinst</c>.</param>
/// <param name="Permissions">Permission bits (scripts are usually 0755).</param>
/// <param name="Content">The bytes.</param>
public sealed record DebControlFile(string Name, uint Permissions, ReadOnlyMemory<byte> Content)
{
    /// <summary>The content decoded as UTF-8.</summary>
    public string Text => Encoding.UTF8.GetString(Content.Span);
}
