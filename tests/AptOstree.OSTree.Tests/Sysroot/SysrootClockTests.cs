using AptOstree.OSTree.Sysroot;
using AptOstree.Posix;
using static AptOstree.OSTree.Tests.Sysroot.SysrootFixture;

namespace AptOstree.OSTree.Tests.Sysroot;

/// <summary>The sysroot reads the clock only through its <see cref="TimeProvider"/>.</summary>
public sealed class SysrootClockTests
{
    [SkippableFact]
    public void Deploy_PinnedClock_TouchesTheDeployDirectoryAtThatTime()
    {
        using var fx = new SysrootFixture();
        fx.Commit(fx.NewTree(), "1.0");
        string sr = fx.NewSysroot();
        var pinned = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero).AddTicks(1234567);
        var ours = new OstreeSysroot(sr, OstreeRepository.Open($"{sr}/ostree/repo"), timeProvider: new FixedClock(pinned));

        ours.Deploy(Branch, new DeployOptions { Stateroot = Os });

        var status = LibcPosixFileSystem.Instance.GetStatus($"{sr}/ostree/deploy");
        Assert.Equal(pinned.ToUnixTimeSeconds(), status.ModificationTimeSeconds);
        Assert.Equal(123456700u, status.ModificationTimeNanoseconds);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
