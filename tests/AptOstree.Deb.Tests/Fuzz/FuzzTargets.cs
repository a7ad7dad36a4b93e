
namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>Feeds one input to every public reader of a layer and touches everything they return.</summary>
internal static class FuzzTargets
{
    /// <summary>Opens a .deb (from a seekable or a forward-only stream), reads its control archive and every data entry with its content.</summary>
    public static void ReadDeb(byte[] deb, bool seekable)
    {
        Stream stream = seekable ? new MemoryStream(deb, writable: false) : new ForwardOnlyStream(deb);
        using var package = DebPackage.Open(stream, sourceName: "fuzz.deb");
        _ = package.FormatVersion;
        _ = package.Control.Fields.Count;
        _ = package.Control.Conffiles.Count;
        _ = package.Control.Md5Sums.Count;
        _ = package.Control.MaintainerScripts.Count;
        _ = package.Control.Triggers;
        using var data = package.OpenData();
        ReadEntries(data.GetNextEntry, () => data.DataStream);
    }

    /// <summary>Walks the members of an ar archive, reading each member's data (sync or async API).</summary>
    public static void ReadAr(byte[] archive, bool useAsync)
    {
        using var ar = new ArReader(new ForwardOnlyStream(archive), sourceName: "fuzz.ar");
        var buffer = new byte[4096];
        var members = 0;
        while ((useAsync ? ar.GetNextMemberAsync().AsTask().GetAwaiter().GetResult() : ar.GetNextMember()) is { } member)
        {
            _ = member.Header;
            if (members++ % 2 == 0)
            {
                while ((useAsync ? member.Data.ReadAsync(buffer).AsTask().GetAwaiter().GetResult() : member.Data.Read(buffer)) > 0)
                {
                }
            }
        }
    }

    /// <summary>Reads the three critical members of a .deb with <see cref="DebArchiveReader"/> from a seekable stream.</summary>
    public static void ReadDebMembers(byte[] deb)
    {
        using var reader = new DebArchiveReader(new MemoryStream(deb, writable: false), sourceName: "fuzz.deb");
        reader.ReadFormatVersion();
        var (_, control) = reader.ReadControlMember();
        control.ReadAllBytes();
        reader.ReadDataMember();
    }

    /// <summary>Reads every entry of a tar stream and its content.</summary>
    public static void ReadTar(byte[] tar)
    {
        using var reader = new TarArchiveReader(new ForwardOnlyStream(tar), sourceName: "fuzz", memberName: "data.tar");
        ReadEntries(reader.GetNextEntry, () => reader.DataStream);
    }

    /// <summary>Decompresses everything with the given codec.</summary>
    public static void Decompress(byte[] compressed, DebCompression compression)
    {
        using var stream = DebDecompressor.Open(new ForwardOnlyStream(compressed), compression, sourceName: "fuzz", memberName: "data.tar" + DebCompressionNames.GetSuffix(compression));
        stream.CopyTo(Stream.Null);
    }

    private static void ReadEntries(Func<TarArchiveEntry?> next, Func<Stream?> content)
    {
        var buffer = new byte[8192];
        while (next() is { } entry)
        {
            _ = entry.Path;
            _ = entry.Mode;
            _ = entry.ExtendedAttributes.Count;
            if (content() is { } data)
            {
                while (data.Read(buffer) > 0)
                {
                }
            }
        }
    }
}

/// <summary>A read-only, non-seekable view of a byte array (like a pipe): readers must not rely on Length or Position.</summary>
internal sealed class ForwardOnlyStream(byte[] data) : AptOstree.ForwardOnlyReadStream
{
    private int _position;

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }
}
