using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AptOstree.Deb;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree deb info FILE [--json]`: like `dpkg-deb -I`.</summary>
internal static class DebInfoCommand
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The .deb file." };
        var json = new Option<bool>("--json") { Description = "Print a JSON document instead of dpkg-deb -I style text." };
        var command = new Command("info", "Show a .deb's members, control files and control fields (like dpkg-deb -I).") { file, json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            using var pkg = parse.GetRequiredService<DebPackageReader>().Open(path);
            if (parse.GetValue(json))
            {
                WriteJson(pkg, path);
            }
            else
            {
                WriteText(pkg, path);
            }

            return 0;
        });
        return command;
    }

    private static void WriteText(DebPackage pkg, string path)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($" new Debian package, version {pkg.FormatVersion.ToString(2)}.");
        Console.WriteLine(string.Create(inv, $" size {new FileInfo(path).Length} bytes: control archive={pkg.ControlMember.Size} bytes."));
        foreach (var f in pkg.Control.Files)
        {
            var text = f.Text;
            var lines = text.Count(c => c == '\n');
            var exec = ((UnixFileMode)f.Permissions & AnyExecute) != 0 ? '*' : ' ';
            var interpreter = text.StartsWith("#!", StringComparison.Ordinal) ? text.Split('\n')[0].TrimEnd() : string.Empty;
            Console.WriteLine(string.Create(inv, $" {f.Content.Length,7} bytes, {lines,5} lines   {exec}  {f.Name,-20} {interpreter}"));
        }

        foreach (var line in pkg.Control.ControlText.TrimEnd('\n').Split('\n'))
        {
            Console.WriteLine(" " + line);
        }
    }

    private static void WriteJson(DebPackage pkg, string path)
    {
        using var stdout = Console.OpenStandardOutput();
        using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("file", path);
        w.WriteString("formatVersion", pkg.FormatVersion.ToString(2));
        WriteMember(w, "controlMember", pkg.ControlMember.Name, pkg.ControlMember.Compression, pkg.ControlMember.Size);
        WriteMember(w, "dataMember", pkg.DataMember.Name, pkg.DataMember.Compression, pkg.DataMember.Size);
        w.WriteStartObject("fields");
        foreach (var field in pkg.Control.Fields)
        {
            w.WriteString(field.Name, pkg.Control.Fields[field.Name]);
        }

        w.WriteEndObject();
        w.WriteStartArray("controlFiles");
        foreach (var f in pkg.Control.Files)
        {
            w.WriteStartObject();
            w.WriteString("name", f.Name);
            w.WriteString("mode", Convert.ToString(f.Permissions, 8));
            w.WriteNumber("size", f.Content.Length);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("conffiles");
        foreach (var c in pkg.Control.Conffiles)
        {
            w.WriteStringValue(c.Path);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        stdout.WriteByte((byte)'\n');
    }

    private static void WriteMember(Utf8JsonWriter w, string property, string name, DebCompression compression, long size)
    {
        w.WriteStartObject(property);
        w.WriteString("name", name);
        w.WriteString("compression", DebCompressionNames.GetName(compression));
        w.WriteNumber("size", size);
        w.WriteEndObject();
    }
}
