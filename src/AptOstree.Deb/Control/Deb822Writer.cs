using System.Text;

namespace AptOstree.Deb;

/// <summary>
/// Writes deb822 paragraphs: each paragraph's <see cref="Deb822Paragraph.RawText"/> verbatim, separated by one empty
/// line, so that reading and writing an unmodified file reproduces it.
/// </summary>
public sealed class Deb822Writer : IDisposable, IAsyncDisposable
{
    private readonly TextWriter _writer;
    private readonly bool _leaveOpen;
    private bool _first = true;

    /// <summary>Writes to a text writer.</summary>
    /// <param name="writer">The output.</param>
    /// <param name="terminateParagraphs">
    /// Follow every paragraph (the last one too) with an empty line, as Packages indexes and dpkg's status file do;
    /// otherwise empty lines only separate paragraphs, as in control and Release files.
    /// </param>
    /// <param name="leaveOpen">Leave <paramref name="writer"/> open on dispose.</param>
    public Deb822Writer(TextWriter writer, bool terminateParagraphs = false, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        TerminateParagraphs = terminateParagraphs;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Writes UTF-8 (without a byte order mark) to a stream.</summary>
    /// <param name="stream">The output.</param>
    /// <param name="terminateParagraphs">See <see cref="Deb822Writer(TextWriter, bool, bool)"/>.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on dispose.</param>
    public Deb822Writer(Stream stream, bool terminateParagraphs = false, bool leaveOpen = false)
        : this(new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen) { NewLine = "\n" }, terminateParagraphs, leaveOpen: false)
    {
    }

    /// <summary>Whether every paragraph is followed by an empty line (Packages/status style).</summary>
    public bool TerminateParagraphs { get; }

    /// <summary>Formats paragraphs as one string.</summary>
    public static string Format(IEnumerable<Deb822Paragraph> paragraphs, bool terminateParagraphs = false)
    {
        ArgumentNullException.ThrowIfNull(paragraphs);
        using var sw = new StringWriter();
        using (var writer = new Deb822Writer(sw, terminateParagraphs, leaveOpen: true))
        {
            foreach (var p in paragraphs)
            {
                writer.Write(p);
            }
        }

        return sw.ToString();
    }

    /// <summary>Writes one paragraph.</summary>
    public void Write(Deb822Paragraph paragraph)
    {
        ArgumentNullException.ThrowIfNull(paragraph);
        if (paragraph.Count == 0)
        {
            return;
        }

        if (!_first && !TerminateParagraphs)
        {
            _writer.Write('\n');
        }

        _first = false;
        _writer.Write(paragraph.RawText);
        if (!paragraph.RawText.EndsWith('\n'))
        {
            _writer.Write('\n');
        }

        if (TerminateParagraphs)
        {
            _writer.Write('\n');
        }
    }

    /// <summary>Writes one paragraph asynchronously.</summary>
    public async Task WriteAsync(Deb822Paragraph paragraph, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paragraph);
        if (paragraph.Count == 0)
        {
            return;
        }

        var text = new StringBuilder(paragraph.RawText.Length + 2);
        if (!_first && !TerminateParagraphs)
        {
            text.Append('\n');
        }

        _first = false;
        text.Append(paragraph.RawText);
        if (!paragraph.RawText.EndsWith('\n'))
        {
            text.Append('\n');
        }

        if (TerminateParagraphs)
        {
            text.Append('\n');
        }

        await _writer.WriteAsync(text, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Flushes buffered text.</summary>
    public void Flush() => _writer.Flush();

    /// <summary>Flushes buffered text asynchronously.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _writer.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Flush();
        if (!_leaveOpen)
        {
            _writer.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _writer.FlushAsync().ConfigureAwait(false);
        if (!_leaveOpen)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
