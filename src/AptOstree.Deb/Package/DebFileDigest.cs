namespace AptOstree.Deb;

/// <summary>A line of the <c>md5sums</c> control file.</summary>
/// <param name="Md5">Lower-case hexadecimal MD5 of the file.</param>
/// <param name="Path">Path relative to the root, without a leading <c>/</c>, as written in md5sums.</param>
public sealed record DebFileDigest(string Md5, string Path);
