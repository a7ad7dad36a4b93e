using AptOstree.Posix;

namespace AptOstree.Core.Tests.Posix;

/// <summary>The named permission sets are the octal modes their documentation states.</summary>
public sealed class PosixPermissionsTests
{
    [Theory]
    [InlineData(PosixPermissions.Directory, "755")]
    [InlineData(PosixPermissions.File, "644")]
    [InlineData(PosixPermissions.OwnerOnlyDirectory, "700")]
    [InlineData(PosixPermissions.OwnerOnlyFile, "600")]
    [InlineData(PosixPermissions.All, "777")]
    [InlineData(PosixPermissions.StickyWorldWritable, "1777")]
    public void PosixPermissions_Constant_IsTheDocumentedOctalMode(uint value, string octal) =>
        Assert.Equal(Convert.ToUInt32(octal, 8), value);
}
