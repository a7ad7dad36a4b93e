using AptOstree.OSTree.Sysroot;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>Keyfiles, kernel arguments, BLS entries and version ordering.</summary>
public sealed class SysrootFormatTests
{
    [Fact]
    public void Keyfile_round_trips_unknown_groups_and_escapes()
    {
        const string text = "[origin]\nbaserefspec=debian:debian/13/x86_64\nrequested-packages=vim;htop;\n\n[rpmostree]\nregenerate-initramfs=false\n";
        var file = KeyFile.Parse(text, "x.origin");
        Assert.Equal(text, file.ToString());
        file.SetString("origin", "note", " leading space\tand tab\\");
        Assert.Equal(" leading space\tand tab\\", KeyFile.Parse(file.ToString(), "x").GetString("origin", "note"));
        // GLib escapes blanks only while they lead (as `ostree config set` writes them; see OstreeCliParityTests).
        Assert.Contains("note=\\sleading space\tand tab\\\\\n", file.ToString(), StringComparison.Ordinal);
        var origin = DeploymentOrigin.Parse(text);
        Assert.Equal("debian:debian/13/x86_64", origin.Refspec);
        Assert.Equal(text, origin.WithPinned(true).WithoutTransientState().ToString());
    }

    [Theory]
    [InlineData("[origin\nrefspec=x\n", "line 1")]
    [InlineData("refspec=x\n", "line 1")]
    [InlineData("[origin]\njust text\n", "line 2")]
    [InlineData("[origin]\n=x\n", "line 2")]
    [InlineData("[]\n", "line 1")]
    public void Keyfile_errors_name_the_line(string text, string where)
    {
        var ex = Assert.Throws<InvalidFormatException>(() => KeyFile.Parse(text, "bad.origin"));
        Assert.Equal(OstreeErrorCodes.InvalidKeyFile, ex.ErrorCode);
        Assert.Contains(where, ex.Message, StringComparison.Ordinal);
        Assert.Contains("bad.origin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel_argument_edits_follow_ostree_semantics()
    {
        var k = KernelArguments.Parse("root=UUID=1 rw console=tty0 console=ttyS0,115200 quiet dyndbg=\"file a.c +p\"");
        Assert.Equal(6, k.Arguments.Count);
        Assert.Equal("dyndbg=\"file a.c +p\"", k.Arguments[^1]);
        Assert.Equal("quiet=1", k.Replace("quiet=1").Arguments[4]);
        Assert.Equal("console=ttyS1", k.Replace("console=ttyS0,115200=ttyS1").Arguments[3]);
        Assert.Throws<AptOstreeException>(() => k.Replace("console=ttyS1"));
        Assert.Throws<AptOstreeException>(() => k.Replace("nosuch=1"));
        Assert.Equal("root=UUID=1 console=tty0 console=ttyS0,115200 quiet dyndbg=\"file a.c +p\"", k.Delete("rw").ToString());
        Assert.Throws<AptOstreeException>(() => k.Delete("console"));
        Assert.Throws<AptOstreeException>(() => k.Delete("rw=1"));
        Assert.Equal(k, k.AppendIfMissing("quiet"));
        Assert.Equal("x y x", KernelArguments.Parse("x y").Append("x").ToString());
    }

    [Fact]
    public void Boot_entries_are_written_in_libostree_key_order_and_parsed_back()
    {
        var entry = new BootLoaderEntry([new("linux", "/ostree/a/vmlinuz-1"), new("initrd", "/ostree/a/initramfs-1.img"), new("options", "rw ostree=/ostree/boot.1/os/abc/0"), new("title", "OS 1 (ostree:0)"), new("version", "3"), new("aboot", "x")]);
        const string expected = "title OS 1 (ostree:0)\nversion 3\noptions rw ostree=/ostree/boot.1/os/abc/0\nlinux /ostree/a/vmlinuz-1\ninitrd /ostree/a/initramfs-1.img\naboot x\n";
        Assert.Equal(expected, entry.ToString());
        var parsed = BootLoaderEntry.Parse(expected);
        Assert.Equal("3", parsed.Version);
        Assert.Equal(["/ostree/boot.1/os/abc/0"], parsed.Options.GetValues("ostree"));
        Assert.Throws<InvalidFormatException>(() => BootLoaderEntry.Parse("title\n"));
    }

    [Theory]
    [InlineData("10", "9", 1)]
    [InlineData("2", "2", 0)]
    [InlineData("1.10", "1.9", 1)]
    [InlineData("a", "b", -1)]
    public void Versions_compare_like_strverscmp(string a, string b, int sign) =>
        Assert.Equal(sign, Math.Sign(OstreeSysroot.VersionCompare(a, b)));

    [Theory]
    [InlineData("/ostree/boot.1/debian/abc123/0", true)]
    [InlineData("/ostree/boot.2/debian/abc123/0", false)]
    [InlineData("/ostree/boot.0/debian/xyz/0", false)]
    [InlineData("/ostree/boot.0/debian/abc/x", false)]
    [InlineData("/ostree/boot.0/debian/abc/0/extra", false)]
    public void Ostree_boot_argument_is_validated(string value, bool valid) =>
        Assert.Equal(valid, OstreeSysroot.ParseBootLink(value) is not null);

    [Theory]
    [InlineData("abc.0")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.x")]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef.0")]
    public void Bad_deployment_names_are_rejected(string name) =>
        Assert.Equal(DeploymentErrorCodes.InvalidDeploymentName, Assert.Throws<InvalidFormatException>(() => Deployment.ParseName(name)).ErrorCode);
}
