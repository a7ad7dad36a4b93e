using System.Globalization;
using System.Text;

namespace AptOstree.Deb;

/// <summary>
/// Writes a common <c>ar</c> archive the way dpkg-deb does: the global magic, then per member a
/// 60-byte header (name space-padded without a trailing <c>/</c>, uid/gid 0, mode 100644) and the data,
/// padded with a newline to an even length.
/// </summary>
public sealed class ArWriter : IDisposable, IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private bool _magicWritten;
    private bool _disposed;

    /// <summary>Creates a writer over a writable stream.</summary>
    public ArWriter(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream must be writable.", nameof(stream));
        }

        this._stream = stream;
        this._leaveOpen = leaveOpen;
    }

    /// <summary>Writes a member whose data is in memory.</summary>
    public void WriteMember(string name, ReadOnlySpan<byte> data, long modificationTime = 0)
    {
        WriteHeader(name, data.Length, modificationTime);
        _stream.Write(data);
        WritePad(data.Length);
    }

    /// <summary>Writes a member of exactly <paramref name="length"/> bytes copied from <paramref name="data"/>.</summary>
    public void WriteMember(string name, Stream data, long length, long modificationTime = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        WriteHeader(name, length, modificationTime);
        var buffer = new byte[81920];
        var left = length;
        while (left > 0)
        {
            var n = data.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0)
            {
                throw new InvalidOperationException($"The data of ar member '{name}' ended {left} bytes short of the announced {length} bytes.");
            }

            _stream.Write(buffer, 0, n);
            left -= n;
        }

        WritePad(length);
    }

    /// <summary>Async twin of <see cref="WriteMember(string, Stream, long, long)"/>.</summary>
    public async Task WriteMemberAsync(string name, Stream data, long length, long modificationTime = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        WriteHeader(name, length, modificationTime);
        var buffer = new byte[81920];
        var left = length;
        while (left > 0)
        {
            var n = await data.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new InvalidOperationException($"The data of ar member '{name}' ended {left} bytes short of the announced {length} bytes.");
            }

            await _stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            left -= n;
        }

        WritePad(length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_magicWritten)
        {
            _stream.Write(ArFormat.Magic);
        }

        _stream.Flush();
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

    private void WriteHeader(string name, long length, long modificationTime)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > ArFormat.MaxNameLength || name.Any(c => c is <= ' ' or > '~' or '/'))
        {
            throw new ArgumentException($"ar member name '{name}' must be 1–16 printable ASCII characters without spaces or '/'.", nameof(name));
        }

        if (length is < 0 or > ArFormat.MaxMemberSize)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "An ar member holds 0 to 9999999999 bytes.");
        }

        if (!_magicWritten)
        {
            _stream.Write(ArFormat.Magic);
            _magicWritten = true;
        }

        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{name,-16}{Math.Clamp(modificationTime, 0, 999_999_999_999),-12}{0,-6}{0,-6}{"100644",-8}{length,-10}`\n");
        _stream.Write(Encoding.ASCII.GetBytes(text));
    }

    private void WritePad(long length)
    {
        if ((length & 1) == 1)
        {
            _stream.WriteByte((byte)'\n');
        }
    }
}
