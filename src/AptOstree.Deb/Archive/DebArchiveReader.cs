using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AptOstree.Deb;

/// <summary>
/// Walks the members of a .deb in the order dpkg-deb requires (<c>src/deb/extract.c</c>): <c>debian-binary</c>
/// first with format 2.x; then <c>control.tar[.gz|.xz|.zst]</c>; then <c>data.tar[.gz|.xz|.zst|.bz2|.lzma]</c>.
/// Members starting with <c>_</c> are skipped, any other member before the data member is an error, members
/// after it are never looked at.
/// </summary>
public sealed class DebArchiveReader : IDisposable
{
    private const int MaxVersionMemberSize = 1024;
    private readonly ArReader _ar;
    private readonly ILogger _logger;
    private int _state;

    /// <summary>Creates a reader over a .deb stream.</summary>
    public DebArchiveReader(Stream stream, bool leaveOpen = false, string? sourceName = null, ILogger? logger = null)
    {
        _ar = new ArReader(stream, leaveOpen, sourceName);
        this._logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The name used in messages.</summary>
    public string SourceName => _ar.SourceName;

    /// <summary>The format version from <c>debian-binary</c> (after <see cref="ReadFormatVersion"/>).</summary>
    public Version? FormatVersion { get; private set; }

    /// <summary>Reads and checks <c>debian-binary</c>; returns the format version (major is always 2).</summary>
    public Version ReadFormatVersion()
    {
        Expect(0, "debian-binary");
        var member = _ar.GetNextMember();
        if (member is null || member.Name != "debian-binary")
        {
            throw new InvalidFormatException(
                DebErrorCodes.NotDebianBinary,
                member is null
                    ? $"{SourceName}: the ar archive is empty; not a Debian binary archive."
                    : $"{SourceName}: not a Debian binary archive: the first member is '{member.Name}', not 'debian-binary'.",
                source: SourceName,
                location: member?.Name ?? "offset 8");
        }

        if (member.Size > MaxVersionMemberSize)
        {
            throw new InvalidFormatException(DebErrorCodes.NotDebianBinary, $"{SourceName}: member 'debian-binary' is {member.Size} bytes, too long for a format version.", source: SourceName, location: "debian-binary");
        }

        var text = Encoding.ASCII.GetString(member.ReadAllBytes(MaxVersionMemberSize));
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0)
        {
            throw new InvalidFormatException(DebErrorCodes.NotDebianBinary, $"{SourceName}: member 'debian-binary' has no newline ('{text}').", source: SourceName, location: "debian-binary");
        }

        var line = text[..newline];
        var dot = line.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !int.TryParse(line.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(line.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            throw new InvalidFormatException(DebErrorCodes.NotDebianBinary, $"{SourceName}: member 'debian-binary' holds '{line}', not a format version like '2.0'.", source: SourceName, location: "debian-binary");
        }

        if (major != 2)
        {
            throw new InvalidFormatException(DebErrorCodes.UnsupportedFormatVersion, $"{SourceName}: archive has format version {line}; only 2.x is supported.", source: SourceName, location: "debian-binary");
        }

        _state = 1;
        FormatVersion = new Version(major, minor);
        return FormatVersion;
    }

    /// <summary>Advances to the control member and returns it; its data stream is valid until the next call.</summary>
    public (DebMemberInfo Info, ArMember Member) ReadControlMember()
    {
        Expect(1, "control.tar");
        var member = NextCritical("control.tar");
        if (!member.Name.StartsWith("control.tar", StringComparison.Ordinal))
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidMemberOrder,
                $"{SourceName}: archive has premature member '{member.Name}' before 'control.tar', giving up.",
                source: SourceName,
                location: member.Name);
        }

        if (!DebCompressionNames.TryParseMemberName(member.Name, "control.tar", out var compression) || compression is DebCompression.Bzip2 or DebCompression.Lzma)
        {
            throw new InvalidFormatException(
                DebErrorCodes.UnsupportedCompression,
                $"{SourceName}: archive uses unknown compression for member '{member.Name}', giving up.",
                source: SourceName,
                location: member.Name);
        }

        _state = 2;
        return (new DebMemberInfo(member.Name, compression, member.Size, member.Header.DataOffset), member);
    }

    /// <summary>Advances to the data member and returns it; nothing after it is read.</summary>
    public (DebMemberInfo Info, ArMember Member) ReadDataMember()
    {
        Expect(2, "data.tar");
        var member = NextCritical("data.tar");
        if (member.Name.StartsWith("control.tar", StringComparison.Ordinal))
        {
            throw new InvalidFormatException(DebErrorCodes.InvalidMemberOrder, $"{SourceName}: archive has a second control member '{member.Name}'.", source: SourceName, location: member.Name);
        }

        if (!member.Name.StartsWith("data.tar", StringComparison.Ordinal))
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidMemberOrder,
                $"{SourceName}: archive has premature member '{member.Name}' before 'data.tar', giving up.",
                source: SourceName,
                location: member.Name);
        }

        if (!DebCompressionNames.TryParseMemberName(member.Name, "data.tar", out var compression))
        {
            throw new InvalidFormatException(
                DebErrorCodes.UnsupportedCompression,
                $"{SourceName}: archive uses unknown compression for member '{member.Name}', giving up.",
                source: SourceName,
                location: member.Name);
        }

        _state = 3;
        return (new DebMemberInfo(member.Name, compression, member.Size, member.Header.DataOffset), member);
    }

    /// <inheritdoc />
    public void Dispose() => _ar.Dispose();

    private ArMember NextCritical(string wanted)
    {
        while (true)
        {
            var member = _ar.GetNextMember() ?? throw new InvalidFormatException(
                DebErrorCodes.InvalidMemberOrder,
                $"{SourceName}: unexpected end of archive: missing '{wanted}' member.",
                source: SourceName,
                location: "end of archive");
            if (member.Name.StartsWith('_'))
            {
                DebLog.SkippedMember(_logger, member.Name, SourceName);
                continue;
            }

            return member;
        }
    }

    private void Expect(int expected, string what)
    {
        if (_state != expected)
        {
            throw new InvalidOperationException($"Members must be read in order; '{what}' is not next.");
        }
    }
}
