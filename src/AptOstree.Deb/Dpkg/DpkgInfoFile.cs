namespace AptOstree.Deb.Dpkg;

/// <summary>One file of dpkg's <c>info/</c> directory for a package (<c>hello.list</c>, <c>bash.postinst</c>, …).</summary>
/// <param name="Name">The file name inside <c>info/</c>, e.g. <c>libc6:amd64.postinst</c>.</param>
/// <param name="Permissions">Permission bits (scripts keep the control archive's, generated files are 0644).</param>
/// <param name="Content">The bytes dpkg writes.</param>
public sealed record DpkgInfoFile(string Name, uint Permissions, ReadOnlyMemory<byte> Content);
