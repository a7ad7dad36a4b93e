using System.Text;

namespace AptOstree.Deb;

/// <summary>The files of a .deb's control member, read into memory, with typed views of the well-known ones.</summary>
public sealed class DebControlArchive
{
    /// <summary>Names of maintainer scripts dpkg runs (plus debconf's <c>config</c>).</summary>
    public static IReadOnlyList<string> MaintainerScriptNames { get; } = ["preinst", "postinst", "prerm", "postrm", "config"];

    private readonly Dictionary<string, DebControlFile> _byName;
    private Deb822Paragraph? _fields;

    /// <summary>Creates the archive view from its files.</summary>
    public DebControlArchive(IEnumerable<DebControlFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        Files = files.ToArray();
        _byName = new(StringComparer.Ordinal);
        foreach (var f in Files)
        {
            _byName[f.Name] = f;
        }
    }

    /// <summary>All files in archive order.</summary>
    public IReadOnlyList<DebControlFile> Files { get; }

    /// <summary>The raw bytes of <c>control</c> (empty if the archive had none).</summary>
    public ReadOnlyMemory<byte> ControlBytes => GetFile("control")?.Content ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>The text of <c>control</c>.</summary>
    public string ControlText => Encoding.UTF8.GetString(ControlBytes.Span);

    /// <summary>
    /// The <c>control</c> file parsed as one deb822 paragraph (field order kept, names case-insensitive).
    /// Throws <see cref="Deb822FormatException"/> when it is malformed.
    /// </summary>
    public Deb822Paragraph Fields => _fields ??= Deb822Paragraph.Parse(ControlText);

    /// <summary>Lines of <c>conffiles</c>.</summary>
    public IReadOnlyList<DebConffile> Conffiles => Lines("conffiles")
        .Select(l => l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        .Select(p => p[0].StartsWith('/') ? new DebConffile(p[0], p[1..]) : new DebConffile(p[^1], p[..^1]))
        .ToArray();

    /// <summary>Lines of <c>md5sums</c>.</summary>
    public IReadOnlyList<DebFileDigest> Md5Sums => Lines("md5sums")
        .Select(l =>
        {
            var space = l.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? new DebFileDigest(l, string.Empty) : new DebFileDigest(l[..space], l[(space + 1)..].TrimStart(' ', '*'));
        })
        .ToArray();

    /// <summary>Maintainer scripts present, by name (<c>preinst</c>, <c>postinst</c>, <c>prerm</c>, <c>postrm</c>, <c>config</c>).</summary>
    public IReadOnlyDictionary<string, DebControlFile> MaintainerScripts =>
        Files.Where(f => MaintainerScriptNames.Contains(f.Name)).ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The <c>triggers</c> file, if any.</summary>
    public string? Triggers => GetFile("triggers")?.Text;

    /// <summary>The <c>shlibs</c> file, if any.</summary>
    public string? Shlibs => GetFile("shlibs")?.Text;

    /// <summary>The <c>symbols</c> file, if any.</summary>
    public string? Symbols => GetFile("symbols")?.Text;

    /// <summary>The debconf <c>templates</c> file, if any.</summary>
    public string? Templates => GetFile("templates")?.Text;

    /// <summary>A file by name (with or without a leading <c>./</c>), or null.</summary>
    public DebControlFile? GetFile(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.GetValueOrDefault(TarPath.Normalize(name));
    }

    private IEnumerable<string> Lines(string name) =>
        (GetFile(name)?.Text ?? string.Empty).Split('\n').Select(l => l.TrimEnd('\r', ' ', '\t')).Where(l => l.Length > 0);
}
