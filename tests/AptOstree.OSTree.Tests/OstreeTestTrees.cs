using System.Security.Cryptography;
using System.Text;
using AptOstree.Posix;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests;

/// <summary>Builds input trees that exercise every encoding path, and describes trees for comparison.</summary>
internal static class OstreeTestTrees
{
    public const long Timestamp = 1577836800;

    public static readonly string OstreeTimestamp = "2020-01-01 00:00:00 UTC";

    private static readonly IPosixFileSystem Fs = LibcPosixFileSystem.Instance;

    /// <summary>The golden tree of the spec (§8.0), slightly extended.</summary>
    public static void BuildGolden(string root, bool includeSpecialModes = true)
    {
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(root, "sub/dir"));
        Directory.CreateDirectory(Path.Combine(root, "wide"));
        Directory.CreateDirectory(Path.Combine(root, "ü-dir/ñandú"));
        Directory.CreateDirectory(Path.Combine(root, "empty-dir"));
        Directory.CreateDirectory(Path.Combine(root, "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p"));
        Write(root, "hello.txt", "hello\n", 0x1A4);
        Write(root, "empty", string.Empty, 0x1A4);
        Write(root, "sub/dir/a", "abc", 0x1ED);
        Write(root, "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/deep.txt", "deep", 0x1A4);
        Write(root, "ü-dir/ñandú/日本語.txt", "utf-8 ✓", 0x1A4);
        Write(root, "Zebra", "upper-case sorts first", 0x1A4);
        Write(root, new string('L', 255), "long name", 0x1A4);
        Fs.CreateSymbolicLink("hello.txt", Path.Combine(root, "link"));
        Fs.CreateSymbolicLink("../hello.txt", Path.Combine(root, "sub/up-link"));
        Fs.CreateSymbolicLink("/etc/hostname", Path.Combine(root, "absolute"));
        Fs.CreateSymbolicLink("/nonexistent", Path.Combine(root, "dangling"));
        Write(root, "withx", "x", 0x1A4);
        Fs.SetExtendedAttribute(Path.Combine(root, "withx"), "user.b", Encoding.ASCII.GetBytes("hello"));
        Fs.SetExtendedAttribute(Path.Combine(root, "withx"), "user.a", [0x00, 0x01, 0xff]);
        Fs.SetExtendedAttribute(Path.Combine(root, "sub"), "user.dir", "D"u8.ToArray());
        Write(root, "grpw", "g", 0x1B4);
        if (includeSpecialModes)
        {
            Write(root, "suid", "s", 0x9ED);
        }

        for (int i = 0; i < 300; i++)
        {
            Write(root, $"wide/file-with-a-longish-name-{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n", 0x1A4);
        }

        var random = new byte[1_200_000];
        new Random(42).NextBytes(random);
        File.WriteAllBytes(Path.Combine(root, "big.bin"), random);
        Fs.SetPermissions(Path.Combine(root, "big.bin"), 0x1A4);
        Fs.CreateHardLink(Path.Combine(root, "hello.txt"), Path.Combine(root, "hardlink-to-hello"));
        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Append(root))
        {
            Fs.SetPermissions(dir, 0x1ED);
        }
    }

    public static void Write(string root, string relative, string content, uint mode)
    {
        string path = Path.Combine(root, relative);
        File.WriteAllText(path, content);
        Fs.SetPermissions(path, mode);
    }

    /// <summary>One line per entry: path, type, mode, owner, content hash or target, xattrs.</summary>
    public static List<string> Describe(string root, bool owners = true, bool xattrs = true, bool stripSetuid = false)
    {
        var lines = new List<string>();
        Walk(root, string.Empty, lines, owners, xattrs, stripSetuid);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static void Walk(string root, string rel, List<string> lines, bool owners, bool xattrs, bool stripSetuid)
    {
        string path = rel.Length == 0 ? root : Path.Combine(root, rel);
        foreach (var name in Fs.ListDirectory(path))
        {
            string childRel = rel.Length == 0 ? name : rel + "/" + name;
            string child = Path.Combine(root, childRel);
            var st = Fs.GetStatus(child);
            uint perms = st.Permissions;
            if (stripSetuid)
            {
                perms &= ~0xC00u;
            }

            string owner = owners ? $" {st.Uid}:{st.Gid}" : string.Empty;
            string x = xattrs ? " " + string.Join(",", Fs.ListExtendedAttributes(child).Order(StringComparer.Ordinal).Select(n => n + "=" + Convert.ToHexString(Fs.GetExtendedAttribute(child, n) ?? []))) : string.Empty;
            if (st.IsDirectory)
            {
                lines.Add($"{childRel} d {Convert.ToString(perms, 8)}{owner}{x}");
                Walk(root, childRel, lines, owners, xattrs, stripSetuid);
            }
            else if (st.IsSymbolicLink)
            {
                lines.Add($"{childRel} l {owner} -> {Fs.ReadSymbolicLink(child)}");
            }
            else
            {
                using var stream = File.OpenRead(child);
                lines.Add($"{childRel} f {Convert.ToString(perms, 8)}{owner} {Convert.ToHexString(SHA256.HashData(stream))}{x}");
            }
        }
    }

    public static string Ostree(params string[] args) => ExternalTool.Output("ostree", args);

    public static ToolResult OstreeRun(params string[] args) => ExternalTool.Run("ostree", args);
}
