using System.Text;

namespace AptOstree.OSTree.Sysroot;

/// <summary>
/// A Boot Loader Specification entry (<c>boot/loader.N/entries/ostree-*.conf</c>): <c>key value</c> lines.
/// Written in libostree's fixed key order (title, version, options, devicetree, linux, initrd, then others).
/// </summary>
public sealed class BootLoaderEntry
{
    private static readonly string[] KeyOrder = ["title", "version", "options", "devicetree", "linux", "initrd"];
    private readonly List<KeyValuePair<string, string>> _values;

    /// <summary>Creates an entry from key/value pairs (a key may repeat, e.g. <c>initrd</c>).</summary>
    public BootLoaderEntry(IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values.ToList();
    }

    /// <summary>All key/value pairs in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Values => _values;

    /// <summary><c>title</c>.</summary>
    public string? Title => Get("title");

    /// <summary><c>version</c>: deployments are ordered by it, highest first.</summary>
    public string? Version => Get("version");

    /// <summary><c>options</c>: the kernel command line, including <c>ostree=</c>.</summary>
    public KernelArguments Options => KernelArguments.Parse(Get("options") ?? string.Empty);

    /// <summary><c>linux</c>: the kernel path relative to the boot partition.</summary>
    public string? Linux => Get("linux");

    /// <summary><c>initrd</c>: the first initramfs path.</summary>
    public string? Initrd => Get("initrd");

    /// <summary>The first value of <paramref name="key"/>, or null.</summary>
    public string? Get(string key) => _values.FirstOrDefault(kv => kv.Key == key).Value;

    /// <summary>Parses an entry file.</summary>
    /// <exception cref="InvalidFormatException">A line has no value.</exception>
    public static BootLoaderEntry Parse(string text, string sourceName = "entry")
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new List<KeyValuePair<string, string>>();
        int lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int sep = line.IndexOfAny([' ', '\t']);
            if (sep <= 0)
            {
                throw new InvalidFormatException(DeploymentErrorCodes.InvalidBootConfiguration, $"{sourceName}: line {lineNumber}: expected 'key value', got '{line}'.", source: sourceName, location: $"line {lineNumber}");
            }

            values.Add(new(line[..sep], line[(sep + 1)..].Trim()));
        }

        return new BootLoaderEntry(values);
    }

    /// <summary>The file text in libostree's key order.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var key in KeyOrder)
        {
            foreach (var kv in _values.Where(kv => kv.Key == key))
            {
                sb.Append(kv.Key).Append(' ').Append(kv.Value).Append('\n');
            }
        }

        foreach (var kv in _values.Where(kv => Array.IndexOf(KeyOrder, kv.Key) < 0))
        {
            sb.Append(kv.Key).Append(' ').Append(kv.Value).Append('\n');
        }

        return sb.ToString();
    }
}
