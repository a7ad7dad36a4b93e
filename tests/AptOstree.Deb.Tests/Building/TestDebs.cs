
namespace AptOstree.Deb.Tests.Building;

/// <summary>
/// Programmatic test packages built with <see cref="DebBuilder"/> (no shell, no committed binaries). Other test
/// projects that reference AptOstree.Deb can link this file.
/// </summary>
public static class TestDebs
{
    /// <summary>Builds a minimal valid package in memory.</summary>
    /// <param name="package">Package name.</param>
    /// <param name="version">Version.</param>
    /// <param name="architecture">Architecture (default <c>all</c>).</param>
    /// <param name="extraFields">More control fields (Depends, Provides, ...), in order.</param>
    /// <param name="files">Regular files: path → text content.</param>
    /// <param name="scripts">Maintainer scripts: name → script text.</param>
    /// <param name="compression">Data compression.</param>
    public static byte[] Build(
        string package,
        string version = "1.0",
        string architecture = "all",
        IEnumerable<KeyValuePair<string, string>>? extraFields = null,
        IReadOnlyDictionary<string, string>? files = null,
        IReadOnlyDictionary<string, string>? scripts = null,
        DebCompression compression = DebCompression.Gzip)
    {
        var builder = Create(package, version, architecture, extraFields, files, scripts, compression);
        var ms = new MemoryStream();
        builder.Build(ms);
        return ms.ToArray();
    }

    /// <summary>The builder behind <see cref="Build"/>, for callers that want to add more.</summary>
    public static DebBuilder Create(
        string package,
        string version = "1.0",
        string architecture = "all",
        IEnumerable<KeyValuePair<string, string>>? extraFields = null,
        IReadOnlyDictionary<string, string>? files = null,
        IReadOnlyDictionary<string, string>? scripts = null,
        DebCompression compression = DebCompression.Gzip)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Package", package),
            new("Version", version),
            new("Architecture", architecture),
            new("Maintainer", "AptOstree Tests <tests@example.invalid>"),
        };
        fields.AddRange(extraFields ?? []);
        fields.Add(new("Description", $"test package {package}\nBuilt by AptOstree.Deb.Tests."));
        var builder = new DebBuilder { Compression = compression, Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) }.SetControlFields(fields);
        foreach (var (path, text) in files ?? new Dictionary<string, string>())
        {
            builder.AddFile(path, text);
        }

        foreach (var (name, text) in scripts ?? new Dictionary<string, string>())
        {
            builder.AddMaintainerScript(name, text);
        }

        return builder;
    }
}
