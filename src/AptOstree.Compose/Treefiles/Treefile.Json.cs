using System.Text;
using System.Text.Json;

namespace AptOstree.Compose;

public sealed partial record Treefile
{
    /// <summary>The resolved treefile (includes merged, variables substituted) as JSON, with rpm-ostree's field names.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            WriteOptional(w, "ref", Ref);
            WriteOptional(w, "base", Base);
            WriteOptional(w, "architecture", Architecture);
            w.WriteString("variant", Variant);
            WriteList(w, "packages", Packages);
            WriteList(w, "exclude-packages", ExcludePackages);
            w.WriteBoolean("recommends", Recommends);
            if (Sources is not null)
            {
                WriteList(w, "sources", Sources);
            }

            WriteList(w, "debconf-selections", DebconfSelections);
            w.WriteStartObject("scripts");
            WriteList(w, "ignore", Scripts.Ignore);
            WriteMap(w, "replace", Scripts.Replace);
            if (Scripts.TimeLimit is { } limit)
            {
                w.WriteString("time-limit", $"{limit.TotalSeconds}s");
            }

            w.WriteEndObject();
            w.WriteStartArray("add-files");
            foreach (var a in AddFiles)
            {
                w.WriteStartArray();
                w.WriteStringValue(a.Source);
                w.WriteStringValue(a.Destination);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            WriteList(w, "remove-files", RemoveFiles);
            WriteList(w, "units", Units);
            WriteOptional(w, "default-target", DefaultTarget);
            WriteOptional(w, "gpg-key", GpgKey);
            WriteList(w, "postprocess", Postprocess);
            WriteMap(w, "metadata", Metadata);
            WriteOptional(w, "automatic-version-prefix", AutomaticVersionPrefix);
            WriteOptional(w, "mutate-os-release", MutateOsRelease);
            w.WriteBoolean("documentation", Documentation);
            WriteList(w, "install-langs", InstallLangs);
            WriteMap(w, "variables", Variables);
            if (Kernel is not null)
            {
                w.WriteStartObject("kernel");
                w.WriteString("package", Kernel.Package);
                WriteList(w, "cmdline", Kernel.Cmdline);
                w.WriteEndObject();
            }

            if (Initramfs is not null)
            {
                w.WriteStartObject("initramfs");
                w.WriteString("generator", Initramfs.Generator);
                WriteList(w, "modules", Initramfs.Modules);
                WriteList(w, "args", Initramfs.Args);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteList(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> values)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
    }
}
