using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Deb;

/// <summary>
/// Opens .deb files with shared options and logging — the injectable face of <see cref="DebPackage"/>
/// (registered by <c>AddAptOstreeDeb()</c>; usable without DI through its constructor).
/// </summary>
public sealed class DebPackageReader
{
    private readonly ILogger _logger;

    /// <summary>Creates a reader.</summary>
    /// <param name="logger">Logger; none when null.</param>
    /// <param name="options">Reader options; <see cref="DebReaderOptions.Default"/> when null.</param>
    public DebPackageReader(ILogger<DebPackageReader>? logger = null, DebReaderOptions? options = null)
    {
        this._logger = (ILogger?)logger ?? NullLogger.Instance;
        Options = options ?? DebReaderOptions.Default;
    }

    /// <summary>The options every package is opened with.</summary>
    public DebReaderOptions Options { get; }

    /// <summary>Opens a .deb file.</summary>
    public DebPackage Open(string path) => DebPackage.Open(path, Options, _logger);

    /// <summary>Reads a .deb from a stream.</summary>
    public DebPackage Open(Stream stream, bool leaveOpen = false, string? sourceName = null) => DebPackage.Open(stream, leaveOpen, sourceName, Options, _logger);
}
