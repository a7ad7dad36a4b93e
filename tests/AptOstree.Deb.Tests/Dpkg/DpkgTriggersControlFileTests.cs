using AptOstree.Deb.Dpkg;

namespace AptOstree.Deb.Tests.Dpkg;

/// <summary>A package's <c>triggers</c> control file read as dpkg reads it: interest lines and activate lines apart.</summary>
public class DpkgTriggersControlFileTests
{
    private const string TriggersFile = "# a comment\ninterest /usr/share/icons\n\tinterest-noawait  ldconfig \nactivate-noawait update-initramfs\n\nactivate\tfontconfig\nactivate-await man-db\nbogus\n";

    [Fact]
    public void Parse_MixedTriggersFile_InterestsAndActivationsKeepTheirAwaitFlags()
    {
        Assert.Equal(
            [new DpkgTriggerInterest("/usr/share/icons", true), new DpkgTriggerInterest("ldconfig", false)],
            DpkgTriggerInterest.Parse(TriggersFile));
        Assert.Equal(
            [new DpkgTriggerActivation("update-initramfs", false), new DpkgTriggerActivation("fontconfig", true), new DpkgTriggerActivation("man-db", true)],
            DpkgTriggerActivation.Parse(TriggersFile));
    }

    [Fact]
    public void Parse_NoTriggersFile_Empty()
    {
        Assert.Empty(DpkgTriggerInterest.Parse(null));
        Assert.Empty(DpkgTriggerActivation.Parse(null));
    }
}
