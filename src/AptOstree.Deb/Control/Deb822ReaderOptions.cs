using System.Text;

namespace AptOstree.Deb;

/// <summary>How strictly a <see cref="Deb822Reader"/> reads; the defaults suit Packages, Release and status files.</summary>
public sealed record Deb822ReaderOptions
{
    /// <summary>The defaults: no comments, UTF-8, duplicate fields rejected.</summary>
    public static Deb822ReaderOptions Default { get; } = new();

    /// <summary>Options for <c>debian/control</c>-style files, where <c>#</c> lines in column 0 are comments.</summary>
    public static Deb822ReaderOptions ControlFile { get; } = new() { AllowComments = true };

    /// <summary>
    /// Treat lines starting with <c>#</c> as comments (only <c>debian/control</c>, <c>deb-origin</c> and APT's own
    /// deb822 files allow them). Comments stay in <see cref="Deb822Paragraph.RawText"/> but are not part of any value.
    /// </summary>
    public bool AllowComments { get; init; }

    /// <summary>Accept a field that repeats in one paragraph (the first occurrence wins on lookup).</summary>
    public bool AllowDuplicateFields { get; init; }

    /// <summary>The text encoding of byte streams; strict UTF-8 (invalid bytes are an error) by default.</summary>
    public Encoding Encoding { get; init; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The largest paragraph, in characters, accepted before failing (a guard against unbounded input).</summary>
    public int MaxParagraphLength { get; init; } = 256 * 1024 * 1024;
}
