using System.Runtime.CompilerServices;
using System.Text;

namespace AptOstree.Deb;

/// <summary>
/// Reads deb822 paragraphs one at a time from a stream or text reader (Packages and Sources indexes, Release files,
/// dpkg's status, control files) with bounded memory: only the paragraph being parsed is buffered.
/// </summary>
/// <example>
/// <code>
/// using var reader = new Deb822Reader(File.OpenRead("Packages"));
/// foreach (var p in reader.ReadAll()) Console.WriteLine(p["Package"]);
/// </code>
/// </example>
public sealed class Deb822Reader : IDisposable, IAsyncDisposable
{
    private const int ChunkSize = 128 * 1024;
    private readonly Stream? _stream;
    private readonly TextReader? _textReader;
    private readonly Decoder? _decoder;
    private readonly byte[]? _bytes;
    private readonly bool _leaveOpen;
    private readonly Deb822Parser _parser;
    private readonly string? _sourceName;
    private char[] _chars = new char[ChunkSize * 2];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _atStart = true;
    private long _bytesRead;

    /// <summary>Reads from a byte stream decoded with <see cref="Deb822ReaderOptions.Encoding"/> (UTF-8 by default).</summary>
    /// <param name="stream">The input; read sequentially, never seeked.</param>
    /// <param name="options">Strictness; <see cref="Deb822ReaderOptions.Default"/> when null.</param>
    /// <param name="sourceName">The file name used in error messages.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on dispose.</param>
    public Deb822Reader(Stream stream, Deb822ReaderOptions? options = null, string? sourceName = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= Deb822ReaderOptions.Default;
        _stream = stream;
        _decoder = options.Encoding.GetDecoder();
        _bytes = new byte[ChunkSize];
        _leaveOpen = leaveOpen;
        _sourceName = sourceName ?? (stream is FileStream fs ? fs.Name : null);
        _parser = new Deb822Parser(options, _sourceName);
    }

    /// <summary>Reads from already decoded text.</summary>
    /// <param name="reader">The input.</param>
    /// <param name="options">Strictness; <see cref="Deb822ReaderOptions.Default"/> when null.</param>
    /// <param name="sourceName">The file name used in error messages.</param>
    /// <param name="leaveOpen">Leave <paramref name="reader"/> open on dispose.</param>
    public Deb822Reader(TextReader reader, Deb822ReaderOptions? options = null, string? sourceName = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _textReader = reader;
        _leaveOpen = leaveOpen;
        _sourceName = sourceName;
        _parser = new Deb822Parser(options ?? Deb822ReaderOptions.Default, sourceName);
    }

    /// <summary>The 1-based line number of the next line to be parsed.</summary>
    public long LineNumber => _parser.LineNumber;

    /// <summary>Parses all paragraphs of <paramref name="text"/>.</summary>
    public static IReadOnlyList<Deb822Paragraph> ParseAll(string text, Deb822ReaderOptions? options = null, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var reader = new Deb822Reader(new StringReader(text), options, sourceName);
        return reader.ReadAll().ToList();
    }

    /// <summary>Reads the next paragraph, or returns null at the end of the input.</summary>
    /// <exception cref="Deb822FormatException">The input is malformed; the message names the source and line.</exception>
    public Deb822Paragraph? Read()
    {
        while (true)
        {
            if (TryParse(out var paragraph))
            {
                return paragraph;
            }

            if (_eof)
            {
                return null;
            }

            Fill();
        }
    }

    /// <summary>Reads the next paragraph asynchronously, or returns null at the end of the input.</summary>
    public async ValueTask<Deb822Paragraph?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryParse(out var paragraph))
            {
                return paragraph;
            }

            if (_eof)
            {
                return null;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Enumerates the remaining paragraphs.</summary>
    public IEnumerable<Deb822Paragraph> ReadAll()
    {
        while (Read() is { } paragraph)
        {
            yield return paragraph;
        }
    }

    /// <summary>Enumerates the remaining paragraphs asynchronously.</summary>
    public async IAsyncEnumerable<Deb822Paragraph> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } paragraph)
        {
            yield return paragraph;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream?.Dispose();
            _textReader?.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_leaveOpen)
        {
            if (_stream is not null)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }

            _textReader?.Dispose();
        }
    }

    /// <summary>Parses from the buffered text; false when more input is needed (or the input is exhausted).</summary>
    private bool TryParse(out Deb822Paragraph? paragraph)
    {
        paragraph = null;
        if (_end == _start && !_eof)
        {
            return false;
        }

        var status = _parser.Next(_chars.AsSpan(_start, _end - _start), _eof, out var consumed, out paragraph);
        _start += consumed;
        return status == Deb822Grammar.Status.Paragraph;
    }

    private void Fill()
    {
        MakeRoom();
        if (_textReader is not null)
        {
            var n = _textReader.Read(_chars, _end, _chars.Length - _end);
            Append(n);
            return;
        }

        var count = _stream!.Read(_bytes!, 0, _bytes!.Length);
        Decode(count);
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        MakeRoom();
        if (_textReader is not null)
        {
            var n = await _textReader.ReadAsync(_chars.AsMemory(_end, _chars.Length - _end), cancellationToken).ConfigureAwait(false);
            Append(n);
            return;
        }

        var count = await _stream!.ReadAsync(_bytes.AsMemory(), cancellationToken).ConfigureAwait(false);
        Decode(count);
    }

    private void Append(int n)
    {
        if (n == 0)
        {
            _eof = true;
            return;
        }

        SkipByteOrderMark(_end);
        _end += n;
    }

    private void Decode(int count)
    {
        try
        {
            var flush = count == 0;
            var n = _decoder!.GetChars(_bytes!, 0, count, _chars, _end, flush);
            _bytesRead += count;
            if (n > 0)
            {
                SkipByteOrderMark(_end);
                _end += n;
            }

            _eof = flush;
        }
        catch (DecoderFallbackException ex)
        {
            throw new Deb822FormatException(
                DebErrorCodes.Deb822InvalidEncoding,
                $"invalid text encoding in the bytes read before offset {_bytesRead + count} ({ex.Message})",
                _sourceName,
                _parser.LineNumber,
                innerException: ex);
        }
    }

    private void SkipByteOrderMark(int at)
    {
        if (_atStart)
        {
            _atStart = false;
            if (_chars[at] == '\uFEFF')
            {
                _start++;
            }
        }
    }

    /// <summary>Moves the unparsed tail to the front and grows the buffer when it is more than half full.</summary>
    private void MakeRoom()
    {
        var pending = _end - _start;
        if (_start > 0)
        {
            Array.Copy(_chars, _start, _chars, 0, pending);
            _start = 0;
            _end = pending;
        }

        // Room for a whole decoded chunk (a byte never yields more than one char).
        if (_chars.Length - _end < ChunkSize + 8)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _end + ChunkSize + 8));
        }
    }
}
