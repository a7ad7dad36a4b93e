using System.Globalization;
using System.Security.Cryptography;
using AptOstree.Posix;

namespace AptOstree.Compose.Tests.Scripts;

/// <summary>
/// One comparable line per captured change: kind, path, type, mode, owner, group, size, link target, opacity, whether
/// the lower tree had the path and whether its metadata changed, extended attributes and the SHA-256 of the content (read with
/// <see cref="ScriptSandbox.OpenContent"/>). Modification times are left out: they are the clock's.
/// </summary>
internal static class SandboxFingerprint
{
    public static List<string> Of(ScriptSandbox sandbox, SandboxChanges changes) =>
        [.. changes.Entries.Select(c => Line(sandbox, c))];

    private static string Line(ScriptSandbox sandbox, SandboxChange c)
    {
        if (c.Kind == SandboxChangeKind.Deleted)
        {
            return $"deleted {c.Path} lower={c.ExistsInLower}";
        }

        string content = string.Empty;
        if (c.Type == PosixFileType.RegularFile)
        {
            using var stream = sandbox.OpenContent(c);
            content = " sha256=" + Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        var xattrs = string.Join(',', c.ExtendedAttributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + Convert.ToHexStringLower(a.Value.Span)));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"written {c.Path} {c.Type} {Convert.ToString(c.Permissions, 8)} {c.Uid}:{c.Gid} size={c.Size} link={c.LinkTarget} opaque={c.IsOpaque} lower={c.ExistsInLower} metadata-changed={c.MetadataChanged} xattrs={xattrs}{content}");
    }
}
