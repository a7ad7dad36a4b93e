using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.OSTree.Sysroot;

/// <summary>Opens sysroots with the services of a DI container (file layer, logging) and their own repository.</summary>
public sealed class OstreeSysrootFactory
{
    private readonly IPosixFileSystem _fileSystem;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the factory.</summary>
    public OstreeSysrootFactory(IPosixFileSystem fileSystem, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        _fileSystem = fileSystem;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Opens the sysroot at <paramref name="path"/>; its <c>ostree/repo</c> is opened too when it exists
    /// (read-only commands such as status work without it; <see cref="OstreeSysroot.Repository"/> then throws).
    /// </summary>
    public OstreeSysroot Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string repo = $"{path.TrimEnd('/')}/ostree/repo";
        var repository = _fileSystem.TryGetStatus($"{repo}/config", out _)
            ? OstreeRepository.Open(repo, new RepositoryOptions { FileSystem = _fileSystem, LoggerFactory = _loggerFactory, TimeProvider = _timeProvider })
            : null;
        return new OstreeSysroot(path, repository, _fileSystem, _loggerFactory.CreateLogger<OstreeSysroot>(), timeProvider: _timeProvider);
    }

    /// <summary><c>ostree admin init-fs</c>: the sysroot directories and a <c>bare</c> repository (<c>bare-user</c> when not root).</summary>
    public OstreeSysroot InitializeFileSystem(string path, bool modern = false)
    {
        var mode = LibcPosixFileSystem.IsRoot ? RepoMode.Bare : RepoMode.BareUser;
        OstreeSysroot.InitializeFileSystem(path, repo => OstreeRepository.Create(repo, mode, new RepositoryOptions { FileSystem = _fileSystem, LoggerFactory = _loggerFactory, TimeProvider = _timeProvider }), modern, _fileSystem);
        return Open(path);
    }
}
