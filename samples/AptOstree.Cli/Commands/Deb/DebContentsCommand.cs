using System.CommandLine;
using System.Globalization;
using System.Text;
using AptOstree.Deb;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree deb contents FILE`: like `dpkg-deb -c` (tar -tv of the data member).</summary>
internal static class DebContentsCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The .deb file." };
        var command = new Command("contents", "List the data member's entries (like dpkg-deb -c).") { file };
        command.SetAction(parse =>
        {
            using var pkg = parse.GetRequiredService<DebPackageReader>().Open(parse.GetValue(file)!);
            using var reader = pkg.OpenData();
            var output = new StringBuilder();
            while (reader.GetNextEntry() is { } e)
            {
                output.Append(Format(e)).Append('\n');
                if (output.Length > 1 << 16)
                {
                    Console.Out.Write(output);
                    output.Clear();
                }
            }

            Console.Out.Write(output);
            return 0;
        });
        return command;
    }

    /// <summary>One line in GNU tar's verbose listing format.</summary>
    internal static string Format(TarArchiveEntry e)
    {
        var inv = CultureInfo.InvariantCulture;
        var owner = $"{(e.UserName.Length > 0 ? e.UserName : e.Uid.ToString(inv))}/{(e.GroupName.Length > 0 ? e.GroupName : e.Gid.ToString(inv))}";
        var size = e.Type is TarArchiveEntryType.CharacterDevice or TarArchiveEntryType.BlockDevice
            ? string.Create(inv, $"{e.DeviceMajor},{e.DeviceMinor}")
            : e.Size.ToString(inv);
        var line = string.Create(inv, $"{ModeString(e)} {owner} {size,9} {e.ModificationTime.UtcDateTime:yyyy-MM-dd HH:mm} {TarPath.Escape(e.NameBytes.Span)}");
        return e.Type switch
        {
            TarArchiveEntryType.SymbolicLink => line + " -> " + TarPath.Escape(e.LinkTargetBytes.Span),
            TarArchiveEntryType.HardLink => line + " link to " + TarPath.Escape(e.LinkTargetBytes.Span),
            _ => line,
        };
    }

    private static string ModeString(TarArchiveEntry e)
    {
        var c = new char[10];
        c[0] = e.Type switch
        {
            TarArchiveEntryType.Directory => 'd',
            TarArchiveEntryType.SymbolicLink => 'l',
            TarArchiveEntryType.HardLink => 'h',
            TarArchiveEntryType.CharacterDevice => 'c',
            TarArchiveEntryType.BlockDevice => 'b',
            TarArchiveEntryType.Fifo => 'p',
            _ => '-',
        };
        var p = e.Permissions;
        const string rwx = "rwxrwxrwx";
        for (var i = 0; i < 9; i++)
        {
            c[i + 1] = (p & (1u << (8 - i))) != 0 ? rwx[i] : '-';
        }

        if ((p & 0x800) != 0)
        {
            c[3] = c[3] == 'x' ? 's' : 'S';
        }

        if ((p & 0x400) != 0)
        {
            c[6] = c[6] == 'x' ? 's' : 'S';
        }

        if ((p & 0x200) != 0)
        {
            c[9] = c[9] == 'x' ? 't' : 'T';
        }

        return new string(c);
    }
}
