using System.Globalization;
using System.Text.Json;
using AptOstree.OSTree.GVariant;

namespace AptOstree.Compose.Layering;

/// <summary>
/// The JSON documents of <c>status --json</c> and <c>db diff --json</c>, with rpm-ostree's field names so scripts
/// written for it keep working.
/// </summary>
public static class LayeringJson
{
    /// <summary>
    /// Writes <c>{"deployments": […], "transaction": null, "cached-update": null}</c>; each deployment has rpm-ostree's
    /// <c>id</c>, <c>osname</c>, <c>serial</c>, <c>checksum</c>, <c>base-checksum</c> (layered only), <c>version</c>,
    /// <c>base-version</c>, <c>timestamp</c>, <c>origin</c>, <c>booted</c>, <c>pinned</c>, <c>staged</c>,
    /// <c>packages</c>, <c>requested-packages</c>, <c>requested-local-packages</c>, <c>base-removals</c>,
    /// <c>requested-base-removals</c>, <c>base-local-replacements</c>, <c>regenerate-initramfs</c>,
    /// <c>unlocked</c> and <c>base-commit-meta</c>.
    /// </summary>
    public static void WriteStatus(Utf8JsonWriter writer, IReadOnlyList<DeploymentStatus> deployments)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(deployments);
        writer.WriteStartObject();
        writer.WriteStartArray("deployments");
        foreach (var d in deployments)
        {
            writer.WriteStartObject();
            writer.WriteString("id", d.Id);
            writer.WriteString("osname", d.Deployment.Stateroot);
            writer.WriteNumber("serial", d.Deployment.DeploySerial);
            writer.WriteString("checksum", d.Checksum);
            if (d.BaseChecksum is not null)
            {
                writer.WriteString("base-checksum", d.BaseChecksum);
            }

            WriteOptionalString(writer, "version", d.Version);
            if (d.BaseChecksum is not null)
            {
                WriteOptionalString(writer, "base-version", d.BaseVersion);
            }

            writer.WriteNumber("timestamp", d.Timestamp);
            WriteOptionalString(writer, "origin", d.Origin);
            writer.WriteBoolean("booted", d.Deployment.IsBooted);
            writer.WriteBoolean("pinned", d.Deployment.IsPinned);
            writer.WriteBoolean("staged", d.Deployment.IsStaged);
            WriteStrings(writer, "packages", d.Packages);
            WriteStrings(writer, "requested-packages", d.RequestedPackages);
            WriteStrings(writer, "requested-local-packages", d.RequestedLocalPackages);
            WriteStrings(writer, "base-removals", []);
            WriteStrings(writer, "requested-base-removals", []);
            WriteStrings(writer, "base-local-replacements", []);
            writer.WriteBoolean("regenerate-initramfs", false);
            writer.WriteString("unlocked", "none");
            writer.WriteStartObject("base-commit-meta");
            foreach (var (key, value) in d.BaseCommitMetadata)
            {
                writer.WritePropertyName(key);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNull("transaction");
        writer.WriteNull("cached-update");
        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes rpm-ostree's <c>db diff --format=json</c> shape: <c>ostree-commit-from</c>, <c>ostree-commit-to</c> and
    /// <c>pkgdiff</c>, a list of <c>[NAME, TYPE, {"PreviousPackage": [NAME, VERSION, ARCH], "NewPackage": […]}]</c>
    /// with TYPE 0 added, 1 removed, 2 upgraded, 3 downgraded.
    /// </summary>
    public static void WriteDiff(Utf8JsonWriter writer, PackageDiff diff)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(diff);
        writer.WriteStartObject();
        writer.WriteString("ostree-commit-from", diff.From.ToString());
        writer.WriteString("ostree-commit-to", diff.To.ToString());
        writer.WriteStartArray("pkgdiff");
        foreach (var change in diff.Changes)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(change.Name);
            writer.WriteNumberValue((int)change.Kind);
            writer.WriteStartObject();
            if (change.Previous is { } previous)
            {
                WritePackage(writer, "PreviousPackage", previous);
            }

            if (change.New is { } current)
            {
                WritePackage(writer, "NewPackage", current);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WritePackage(Utf8JsonWriter writer, string name, DpkgPackage package)
    {
        writer.WriteStartArray(name);
        writer.WriteStringValue(package.Name);
        writer.WriteStringValue(package.Version);
        writer.WriteStringValue(package.Architecture);
        writer.WriteEndArray();
    }

    private static void WriteOptionalString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            writer.WriteStringValue(v);
        }

        writer.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, GVariantValue value)
    {
        switch (value.Type)
        {
            case "s" or "o" or "g":
                writer.WriteStringValue(value.AsString());
                break;
            case "b" when value.Value is bool b:
                writer.WriteBooleanValue(b);
                break;
            case "as" when value.AsStrings() is { } strings:
                writer.WriteStartArray();
                foreach (var s in strings)
                {
                    writer.WriteStringValue(s);
                }

                writer.WriteEndArray();
                break;
            case "t" or "u" or "i" or "x" or "q" or "n" or "y" when value.Value is IConvertible number:
                writer.WriteRawValue(Convert.ToString(number, CultureInfo.InvariantCulture)!);
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
