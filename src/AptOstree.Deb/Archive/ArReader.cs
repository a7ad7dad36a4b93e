using System.Text;

namespace AptOstree.Deb;

/// <summary>
/// Forward-only reader of a common <c>ar</c> archive (the container of a .deb) over any readable stream.
/// Header rules follow dpkg's <c>lib/dpkg/ar.c</c>: names lose trailing spaces and one trailing <c>/</c>,
/// the size is decimal, the header must end in <c>`\n</c>, odd-sized members are followed by one pad byte.
/// Malformed input throws <see cref="InvalidFormatException"/>.
/// </summary>
public sealed class ArReader : IDisposable, IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _header = new byte[ArFormat.HeaderSize];
    private long _offset;
    private bool _magicRead;
    private MemberDataStream? _current;
    private bool _pendingPad;
    private bool _disposed;

    /// <summary>Creates a reader over <paramref name="stream"/>.</summary>
    /// <param name="stream">The archive; need not be seekable (skipping then reads through).</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open on dispose.</param>
    /// <param name="sourceName">A name for messages (usually the file path).</param>
    public ArReader(Stream stream, bool leaveOpen = false, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        this._stream = stream;
        this._leaveOpen = leaveOpen;
        SourceName = sourceName ?? "<stream>";
        _offset = stream.CanSeek ? stream.Position : 0;
    }

    /// <summary>The name used in error messages.</summary>
    public string SourceName { get; }

    /// <summary>Reads the next member header; null at the end of the archive. Invalidates the previous member's data stream.</summary>
    public ArMember? GetNextMember()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_magicRead)
        {
            var magic = new byte[ArFormat.Magic.Length];
            var got = _stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            CheckMagic(magic, got);
        }

        FinishCurrent();
        if (_pendingPad)
        {
            Span<byte> pad = stackalloc byte[1];
            var n = _stream.ReadAtLeast(pad, 1, throwOnEndOfStream: false);
            _pendingPad = false;
            if (n == 0)
            {
                return null;
            }

            _offset++;
        }

        var read = _stream.ReadAtLeast(_header, _header.Length, throwOnEndOfStream: false);
        return ParseHeader(read);
    }

    /// <summary>Async twin of <see cref="GetNextMember"/>.</summary>
    public async ValueTask<ArMember?> GetNextMemberAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_magicRead)
        {
            var magic = new byte[ArFormat.Magic.Length];
            var got = await _stream.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            CheckMagic(magic, got);
        }

        if (_current is not null && _current.Remaining > 0)
        {
            if (_stream.CanSeek)
            {
                _current.SkipRest();
            }
            else
            {
                var scratch = new byte[81920];
                while (await _current.ReadAsync(scratch, cancellationToken).ConfigureAwait(false) > 0)
                {
                }
            }
        }

        FinishCurrent();
        if (_pendingPad)
        {
            var pad = new byte[1];
            var n = await _stream.ReadAtLeastAsync(pad, 1, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            _pendingPad = false;
            if (n == 0)
            {
                return null;
            }

            _offset++;
        }

        var read = await _stream.ReadAtLeastAsync(_header, _header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return ParseHeader(read);
    }

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

    /// <summary>Parses the decimal size field exactly like dpkg: leading spaces, digits up to the first space, nothing else.</summary>
    internal static bool TryParseSize(ReadOnlySpan<byte> field, out long size, out int badIndex)
    {
        size = 0;
        badIndex = -1;
        var i = 0;
        while (i < field.Length && field[i] == (byte)' ')
        {
            i++;
        }

        for (; i < field.Length; i++)
        {
            var c = field[i];
            if (c == (byte)' ')
            {
                break;
            }

            if (c is < (byte)'0' or > (byte)'9')
            {
                badIndex = i;
                return false;
            }

            size = (size * 10) + (c - '0');
        }

        return true;
    }

    private static long ParseLenient(ReadOnlySpan<byte> field, int radix)
    {
        long value = 0;
        foreach (var c in field)
        {
            if (c == (byte)' ')
            {
                if (value != 0)
                {
                    break;
                }

                continue;
            }

            var digit = c - '0';
            if (digit < 0 || digit >= radix)
            {
                return 0;
            }

            value = (value * radix) + digit;
        }

        return value;
    }

    private void CheckMagic(byte[] magic, int got)
    {
        if (got < magic.Length || !magic.AsSpan().SequenceEqual(ArFormat.Magic))
        {
            var shown = Encoding.ASCII.GetString(magic, 0, got).Replace("\n", "\\n", StringComparison.Ordinal);
            throw new InvalidFormatException(
                DebErrorCodes.BadArchiveMagic,
                $"{SourceName}: not an ar archive (a .deb must start with '!<arch>\\n', found '{shown}').",
                source: SourceName,
                location: "offset 0");
        }

        _magicRead = true;
        _offset += magic.Length;
    }

    private void FinishCurrent()
    {
        if (_current is null)
        {
            return;
        }

        _current.SkipRest();
        _offset += _current.Length;
        _pendingPad = (_current.Length & 1) == 1;
        _current = null;
    }

    private ArMember? ParseHeader(int read)
    {
        if (read == 0)
        {
            return null;
        }

        if (read < ArFormat.HeaderSize)
        {
            throw new InvalidFormatException(
                DebErrorCodes.TruncatedArchive,
                $"{SourceName}: truncated ar member header at offset {_offset}: got {read} of {ArFormat.HeaderSize} bytes.",
                source: SourceName,
                location: $"offset {_offset}");
        }

        var h = _header.AsSpan();
        if (h[58] != (byte)'`' || h[59] != (byte)'\n')
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidMemberHeader,
                $"{SourceName}: bad ar member header magic at offset {_offset} (expected '`\\n' at the end of the 60-byte header).",
                source: SourceName,
                location: $"offset {_offset}");
        }

        var name = ParseName(h[..16]);
        if (!TryParseSize(h.Slice(48, 10), out var size, out var bad))
        {
            throw new InvalidFormatException(
                DebErrorCodes.InvalidMemberHeader,
                $"{SourceName}: invalid character '{(char)h[48 + bad]}' in the size field of ar member '{name}' at offset {_offset}.",
                source: SourceName,
                location: $"{name}@{_offset}");
        }

        var memberHeader = new ArMemberHeader(
            name,
            ParseLenient(h.Slice(16, 12), 10),
            (int)ParseLenient(h.Slice(28, 6), 10),
            (int)ParseLenient(h.Slice(34, 6), 10),
            (uint)ParseLenient(h.Slice(40, 8), 8),
            size,
            _offset);
        _offset += ArFormat.HeaderSize;
        _current = new MemberDataStream(_stream, SourceName, name, _offset, size);
        return new ArMember(memberHeader, _current);
    }

    private string ParseName(ReadOnlySpan<byte> field)
    {
        var end = field.Length;
        while (end > 0 && field[end - 1] == (byte)' ')
        {
            end--;
        }

        if (end > 0 && field[end - 1] == (byte)'/')
        {
            end--;
        }

        foreach (var c in field[..end])
        {
            if (c is < 0x20 or >= 0x7f)
            {
                throw new InvalidFormatException(
                    DebErrorCodes.InvalidMemberHeader,
                    $"{SourceName}: ar member name at offset {_offset} contains a non-printable byte 0x{c:x2}.",
                    source: SourceName,
                    location: $"offset {_offset}");
            }
        }

        return Encoding.ASCII.GetString(field[..end]);
    }
}
