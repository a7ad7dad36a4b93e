using AptOstree.Testing;

namespace AptOstree.Compose.Tests.BaseImages;

public class BaseImageReferenceTests
{
    [Theory]
    [InlineData("ubuntu:24.04", "x86_64", "ubuntu/24.04/x86_64")]
    [InlineData("debian:12", "x86_64", "debian/12/x86_64")]
    [InlineData("debian:bookworm", "aarch64", "debian/bookworm/aarch64")]
    public void Branch_FollowsDistributionReleaseMachine(string image, string machine, string branch)
    {
        var reference = BaseImageReference.Parse(image);
        Assert.Equal(branch, reference.ToBranch(machine));
        Assert.Equal(image, reference.ToString());
    }

    [SkippableFact]
    public void HostMachine_EqualsUnameM()
    {
        ExternalTool.Require("uname");
        Assert.Equal(ExternalTool.Output("uname", "-m").Trim(), BaseImageReference.HostMachine());
    }

    [SkippableFact]
    public void Branch_IsAValidOstreeRef()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory();
        string repo = tmp.Combine("repo");
        Directory.CreateDirectory(tmp.Combine("tree"));
        ExternalTool.Run("ostree", [$"--repo={repo}", "init", "--mode=archive"]).EnsureSuccess("ostree init");
        string branch = BaseImageReference.Parse("ubuntu:24.04").ToBranch();
        ExternalTool.Run("ostree", [$"--repo={repo}", "commit", "-b", branch, $"--tree=dir={tmp.Combine("tree")}"]).EnsureSuccess("ostree commit");
        Assert.Contains(branch, ExternalTool.Output("ostree", $"--repo={repo}", "refs"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ubuntu")]
    [InlineData("ubuntu:")]
    [InlineData(":24.04")]
    [InlineData("ubuntu:24.04/evil")]
    [InlineData("Ubuntu:24.04")]
    [InlineData("../x:1")]
    public void Parse_RejectsMalformed(string text)
    {
        var ex = Assert.Throws<InvalidFormatException>(() => BaseImageReference.Parse(text));
        Assert.Equal(ComposeErrorCodes.InvalidBaseImage, ex.ErrorCode);
        Assert.False(BaseImageReference.TryParse(text, out _));
    }
}
