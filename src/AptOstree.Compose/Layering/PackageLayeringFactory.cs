using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Compose.Layering;

/// <summary>Opens <see cref="PackageLayering"/> over sysroots with the services of a DI container (file layer, logging).</summary>
public sealed class PackageLayeringFactory
{
    private readonly IPosixFileSystem _fileSystem;
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates the factory.</summary>
    public PackageLayeringFactory(IPosixFileSystem fileSystem, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        _fileSystem = fileSystem;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>Opens the sysroot at <paramref name="sysrootPath"/> and its repository.</summary>
    public PackageLayering Open(string sysrootPath) => PackageLayering.Open(sysrootPath, _fileSystem, _loggerFactory);
}
