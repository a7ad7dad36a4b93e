using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Postprocess;

/// <summary><c>units</c> and <c>default-target</c> against the real <c>systemctl --root</c>: same links as its <c>enable</c>, same <c>is-enabled</c> and <c>get-default</c> answers.</summary>
public sealed class SystemdUnitsTests
{
    private static readonly string[] Units = ["aptostree-test.service", "aptostree-test.timer", "aptostree-alias.service", "aptostree-tmpl@one.service", "aptostree-static.service"];

    private static PostprocessTree UnitTree()
    {
        var tree = new PostprocessTree();
        const string dir = "usr/lib/systemd/system/";
        tree.File(dir + "multi-user.target", "[Unit]\nDescription=Multi-User\n");
        tree.File(dir + "graphical.target", "[Unit]\nDescription=Graphical\n");
        tree.File(dir + "timers.target", "[Unit]\nDescription=Timers\n");
        tree.Symlink(dir + "default.target", "graphical.target");
        tree.File(dir + "aptostree-test.service", "[Unit]\nDescription=t\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nAlias=aptostree-alias.service\nAlso=aptostree-test.timer\n");
        tree.File(dir + "aptostree-test.timer", "[Timer]\nOnBootSec=1h\n[Install]\nWantedBy=timers.target\n");
        tree.File(dir + "aptostree-tmpl@.service", "[Service]\nExecStart=/bin/true %i\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=one\n");
        tree.File(dir + "aptostree-static.service", "[Service]\nExecStart=/bin/true\n");
        tree.File("etc/hostname", "test\n");
        return tree;
    }

    private static string Systemctl(string root, params string[] args) =>
        ExternalTool.Run("systemctl", ["--root=" + root, .. args]).StandardOutput.Trim();

    private static SortedSet<string> Links(string root)
    {
        string etc = Path.Combine(root, "etc/systemd/system");
        return new SortedSet<string>(Directory.EnumerateFileSystemEntries(etc, "*", SearchOption.AllDirectories)
            .Where(p => new FileInfo(p).LinkTarget is not null)
            .Select(p => Path.GetRelativePath(etc, p) + " -> " + new FileInfo(p).LinkTarget), StringComparer.Ordinal);
    }

    [SkippableFact]
    public void Enable_UnitsWithInstallSections_SameLinksAndIsEnabledAsSystemctlEnable()
    {
        ExternalTool.Require("systemctl", "ostree");
        using var tree = UnitTree();
        var (_, before) = tree.CommitAndCheckout("before");
        ExternalTool.Run("systemctl", ["--root=" + before, "enable", "aptostree-test.service", "aptostree-tmpl@.service"]).EnsureSuccess("systemctl enable");

        new SystemdUnits(tree.Repository, tree.Root).Enable(["aptostree-test.service", "aptostree-tmpl@.service"]);
        var (_, ours) = tree.CommitAndCheckout("ours");

        Assert.Equal(Links(before), Links(ours));
        Assert.Contains("multi-user.target.wants/aptostree-test.service -> /usr/lib/systemd/system/aptostree-test.service", Links(ours));
        Assert.Contains("multi-user.target.wants/aptostree-tmpl@one.service -> /usr/lib/systemd/system/aptostree-tmpl@.service", Links(ours));
        foreach (var unit in Units)
        {
            Assert.Equal(Systemctl(before, "is-enabled", unit), Systemctl(ours, "is-enabled", unit));
        }

        Assert.Equal("enabled", Systemctl(ours, "is-enabled", "aptostree-test.timer"));
    }

    [SkippableFact]
    public void SetDefaultTarget_MultiUser_SystemctlGetDefaultAnswersIt()
    {
        ExternalTool.Require("systemctl", "ostree");
        using var tree = UnitTree();
        tree.Symlink("etc/systemd/system/default.target", "/usr/lib/systemd/system/graphical.target");
        var (_, before) = tree.CommitAndCheckout("before");
        Assert.Equal("graphical.target", Systemctl(before, "get-default"));

        new SystemdUnits(tree.Repository, tree.Root).SetDefaultTarget("multi-user.target");
        var (_, ours) = tree.CommitAndCheckout("ours");

        Assert.Equal("multi-user.target", Systemctl(ours, "get-default"));
        Assert.Equal("multi-user.target", new FileInfo(Path.Combine(ours, "usr/lib/systemd/system/default.target")).LinkTarget);
        Assert.False(Path.Exists(Path.Combine(ours, "etc/systemd/system/default.target")));
    }

    [Fact]
    public void Enable_UnitMissingFromTheTree_ThrowsInvalidTreefileNamingIt()
    {
        using var tree = UnitTree();
        var ex = Assert.Throws<AptOstreeException>(() => new SystemdUnits(tree.Repository, tree.Root, "t.yaml").Enable(["nonexistent.service"]));
        Assert.Equal(ComposeErrorCodes.InvalidTreefile, ex.ErrorCode);
        Assert.Contains("t.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nonexistent.service", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetDefaultTarget_NotATarget_ThrowsInvalidTreefile()
    {
        using var tree = UnitTree();
        var ex = Assert.Throws<AptOstreeException>(() => new SystemdUnits(tree.Repository, tree.Root).SetDefaultTarget("aptostree-test.service"));
        Assert.Equal(ComposeErrorCodes.InvalidTreefile, ex.ErrorCode);
        Assert.Contains("default-target", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enable_UnitWithoutInstallSection_LinksIntoMultiUserWantsAsRpmOstree()
    {
        using var tree = UnitTree();
        new SystemdUnits(tree.Repository, tree.Root).Enable(["aptostree-static.service"]);
        Assert.Equal("/usr/lib/systemd/system/aptostree-static.service", tree.Header("etc/systemd/system/multi-user.target.wants/aptostree-static.service")!.SymlinkTarget);
    }
}
