using AptOstree.Posix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Deb;

/// <summary>
/// A .deb opened for reading: the format version, the control archive (fields, conffiles, md5sums, maintainer
/// scripts, triggers, shlibs) read eagerly, and the data member streamed on demand — as entries or extracted to a
/// directory the way <c>dpkg-deb -x</c> does. Member order and codecs follow dpkg-deb's rules (see
/// <see cref="DebArchiveReader"/>); malformed input throws <see cref="InvalidFormatException"/>.
/// </summary>
/// <remarks>
/// Opened from a file or a seekable stream, the data member can be read any number of times; from a
/// non-seekable stream, once.
/// </remarks>
public sealed class DebPackage : IDisposable, IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly DebReaderOptions _options;
    private readonly ILogger _logger;
    private const long ProgressStep = 256 * 1024;
    private bool _dataOpened;
    private bool _disposed;

    private DebPackage(Stream stream, bool leaveOpen, string sourceName, DebReaderOptions options, ILogger logger)
    {
        this._stream = stream;
        this._leaveOpen = leaveOpen;
        this._options = options;
        this._logger = logger;
        SourceName = sourceName;
        using var reader = new DebArchiveReader(stream, leaveOpen: true, sourceName, logger);
        FormatVersion = reader.ReadFormatVersion();
        var (controlInfo, controlMember) = reader.ReadControlMember();
        ControlMember = controlInfo;
        Control = ReadControl(controlMember.Data, controlInfo);
        var (dataInfo, _) = reader.ReadDataMember();
        DataMember = dataInfo;
        DebLog.OpenedPackage(logger, sourceName, controlInfo.Name, dataInfo.Name);
    }

    /// <summary>The file path or stream name used in messages.</summary>
    public string SourceName { get; }

    /// <summary>The format version from <c>debian-binary</c> (2.0 in practice).</summary>
    public Version FormatVersion { get; }

    /// <summary>The control member (name, codec, size, offset).</summary>
    public DebMemberInfo ControlMember { get; }

    /// <summary>The data member (name, codec, size, offset).</summary>
    public DebMemberInfo DataMember { get; }

    /// <summary>The control archive's files.</summary>
    public DebControlArchive Control { get; }

    /// <summary>Opens a .deb file.</summary>
    public static DebPackage Open(string path, DebReaderOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            return new DebPackage(file, leaveOpen: false, path, options ?? DebReaderOptions.Default, logger ?? NullLogger.Instance);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads a .deb from a stream, which must be positioned at the start of the archive.</summary>
    /// <remarks>An empty <paramref name="sourceName"/> means none, as PowerShell passes <c>$null</c> for a string.</remarks>
    public static DebPackage Open(Stream stream, bool leaveOpen = false, string? sourceName = null, DebReaderOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new DebPackage(stream, leaveOpen, string.IsNullOrEmpty(sourceName) ? "<stream>" : sourceName, options ?? DebReaderOptions.Default, logger ?? NullLogger.Instance);
    }

    /// <summary>
    /// Opens a forward-only reader over the data member's entries (the decoded <c>data.tar</c>): names and link targets
    /// as the archive's bytes, raw extended attributes, each regular file's content readable until the next entry.
    /// </summary>
    public TarArchiveReader OpenData() => OpenDataTar(readAhead: false, counter: null);

    /// <summary>
    /// The data member's entries in archive order, each with its content readable until the enumeration moves on; the
    /// reader is closed when the enumeration ends. Feed them to a tree builder to turn the package into a tree without
    /// touching the disk.
    /// </summary>
    public IEnumerable<TarArchiveEntry> EnumerateDataEntries(CancellationToken cancellationToken = default)
    {
        using var reader = OpenData();
        while (reader.GetNextEntry() is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    /// <summary>Lists the data member's entries (metadata only).</summary>
    public IReadOnlyList<TarArchiveEntry> GetDataEntries()
    {
        using var reader = OpenData();
        return reader.EnumerateEntries().ToList();
    }

    /// <summary>
    /// Extracts the data member below <paramref name="directory"/> (created if missing) like <c>dpkg-deb -x</c>:
    /// same paths, types, modes (incl. setuid), mtimes, symlinks and hard links; owners and device nodes when
    /// running as root. Nothing is ever written outside <paramref name="directory"/>: entries that would escape it
    /// throw <see cref="UnsafePathException"/>. Progress counts the compressed bytes of the data member read so far
    /// against its size, reported during large files too; cancellation is checked between and within files.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public DebExtractResult ExtractTo(string directory, DebExtractOptions? extractOptions = null, IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ExtractCore(directory, extractOptions, progress, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private DebExtractResult ExtractCore(string directory, DebExtractOptions? extractOptions, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        cancellationToken.ThrowIfCancellationRequested();
        var opts = extractOptions ?? DebExtractOptions.Default;
        var counter = new DataMemberCounter();
        using var tar = OpenDataTar(opts.ReadAhead, counter);
        long reported = -1;
        var extractor = new DebExtractor(directory, SourceName, opts, entryName =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var done = Math.Min(counter.Bytes, DataMember.Size);
            if (progress is not null && done - reported >= ProgressStep)
            {
                reported = done;
                progress.Report(new OperationProgress("extract", done, DataMember.Size, ProgressUnit.Bytes, entryName));
            }
        });
        while (tar.GetNextEntry() is { } entry)
        {
            extractor.Apply(entry, entry.DataStream);
        }

        var result = extractor.Finish();
        progress?.Report(new OperationProgress("extract", DataMember.Size, DataMember.Size, ProgressUnit.Bytes));
        foreach (var e in result.MetadataNotApplied)
        {
            DebLog.MetadataNotApplied(_logger, e.Name);
        }

        DebLog.Extracted(_logger, SourceName, directory, result.Entries, result.Bytes);
        return result;
    }

    private TarArchiveReader OpenDataTar(bool readAhead, DataMemberCounter? counter)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stream.CanSeek)
        {
            // Nothing after the data member is read, so its size was never checked against the archive; the random
            // access of the parallel xz decoder would otherwise start at an offset the stream does not have.
            if (DataMember.Size > _stream.Length - DataMember.DataOffset)
            {
                throw new InvalidFormatException(
                    DebErrorCodes.TruncatedArchive,
                    $"{SourceName}: ar member '{DataMember.Name}' is truncated: header promises {DataMember.Size} bytes at offset {DataMember.DataOffset}, the archive ends after {_stream.Length - DataMember.DataOffset}.",
                    source: SourceName,
                    location: $"{DataMember.Name}@{_stream.Length}");
            }

            _stream.Position = DataMember.DataOffset;
        }
        else if (_dataOpened)
        {
            throw new InvalidOperationException($"{SourceName} was opened from a non-seekable stream; its data member can be read only once.");
        }

        _dataOpened = true;
        if (DataMember.Compression == DebCompression.Xz && _stream.CanSeek)
        {
            var source = RandomAccessSource.Create(_stream, DataMember.DataOffset, DataMember.Size);
            var parallel = DebDecompressor.TryOpenParallelXz(source, _options.Limits, SourceName, DataMember.Name, _options.Xz);
            if (parallel is not null)
            {
                // The block workers already decode ahead of the reader; a read-ahead thread would only add a copy.
                var reader = new TarArchiveReader(parallel, leaveOpen: false, SourceName, DataMember.Name);
                if (counter is not null && XzIndexReader.Read(source) is { Count: > 0 } blocks)
                {
                    counter.MapThroughBlocks(blocks, () => reader.Position);
                }

                return reader;
            }

            _stream.Position = DataMember.DataOffset;
        }

        Stream raw = new MemberDataStream(_stream, SourceName, DataMember.Name, DataMember.DataOffset, DataMember.Size);
        if (counter is not null)
        {
            raw = counter.Wrap(raw);
        }

        Stream decompressed = DebDecompressor.Open(raw, DataMember.Compression, _options.Limits, SourceName, DataMember.Name, xz: _options.Xz);
        if (readAhead)
        {
            decompressed = new ReadAheadStream(decompressed);
        }

        return new TarArchiveReader(decompressed, leaveOpen: false, SourceName, DataMember.Name);
    }

    private DebControlArchive ReadControl(Stream memberData, DebMemberInfo info)
    {
        var limits = _options.Limits with { MaxDecompressedBytes = Math.Min(_options.Limits.MaxDecompressedBytes, _options.MaxControlSize) };
        using var decompressed = DebDecompressor.Open(memberData, info.Compression, limits, SourceName, info.Name, leaveOpen: true, xz: _options.Xz);
        using var tar = new TarArchiveReader(decompressed, leaveOpen: true, SourceName, info.Name);
        var files = new List<DebControlFile>();
        while (tar.GetNextEntry() is { } entry)
        {
            var name = TarPath.Normalize(entry.Name);
            if (entry.Type != TarArchiveEntryType.RegularFile || name.Length == 0)
            {
                continue;
            }

            if (entry.Size > limits.MaxDecompressedBytes)
            {
                throw new InvalidFormatException(DebErrorCodes.DecompressionLimitExceeded, $"{SourceName}: control file '{entry.Name}' in '{info.Name}' claims {entry.Size} bytes, more than the {limits.MaxDecompressedBytes} bytes a control member may hold.", source: SourceName, location: $"{info.Name}:{entry.Name}");
            }

            // The header's size is only a claim: grow with the data actually read instead of allocating it up front.
            using var content = new MemoryStream((int)Math.Min(entry.Size, 1 << 16));
            tar.DataStream!.CopyTo(content);
            if (content.Length != entry.Size)
            {
                throw new InvalidFormatException(DebErrorCodes.InvalidTar, $"{SourceName}: control file '{entry.Name}' in '{info.Name}' is truncated ({content.Length} of {entry.Size} bytes).", source: SourceName, location: $"{info.Name}:{entry.Name}");
            }

            files.Add(new DebControlFile(name, entry.Permissions, content.ToArray()));
        }

        var control = new DebControlArchive(files);
        if (control.GetFile("control") is null)
        {
            throw new InvalidFormatException(DebErrorCodes.MissingControlFile, $"{SourceName}: member '{info.Name}' has no 'control' file.", source: SourceName, location: info.Name);
        }

        return control;
    }
}
