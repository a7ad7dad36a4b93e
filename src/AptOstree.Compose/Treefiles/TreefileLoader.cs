using System.Globalization;
using System.Text.RegularExpressions;
using AptOstree.Deb.Apt;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AptOstree.Compose;

/// <summary>
/// Reads treefiles (YAML or JSON): resolves <c>include</c> (relative to the including file; lists concatenate,
/// mappings merge, scalars of the including file win), substitutes <c>${variables}</c>, and checks every field's
/// name, type and value, naming the file, line and field of anything wrong.
/// </summary>
public static partial class TreefileLoader
{
    private const int MaxIncludeDepth = 32;

    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "include", "variables", "ref", "base", "architecture", "variant", "packages", "exclude-packages", "recommends",
        "sources", "debconf-selections", "scripts", "add-files", "remove-files", "units", "default-target", "postprocess",
        "metadata", "automatic-version-prefix", "mutate-os-release", "documentation", "install-langs", "kernel", "initramfs", "gpg-key",
    };

    /// <summary>Loads the treefile at <paramref name="path"/> with its includes.</summary>
    /// <exception cref="InvalidFormatException">A field is unknown, of the wrong type or invalid (code <see cref="ComposeErrorCodes.InvalidTreefile"/>), or an include cannot be read.</exception>
    public static Treefile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        var merged = LoadMerged(full, [], 0);
        return Convert(merged, full, Path.GetDirectoryName(full)!);
    }

    /// <summary>Parses treefile text; includes and <c>add-files</c> resolve against <paramref name="baseDirectory"/> (default: the current directory).</summary>
    public static Treefile Parse(string text, string sourceName = "treefile", string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        string dir = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        var root = ParseDocument(text, sourceName);
        var merged = ApplyIncludes(root, dir, [], 0);
        return Convert(merged, null, dir);
    }

    internal static InvalidFormatException Error(string where, string field, string message) =>
        new(ComposeErrorCodes.InvalidTreefile, $"{where}: field '{field}': {message}", source: where.Split(':')[0], location: field);

    private static TreefileNode LoadMerged(string path, HashSet<string> stack, int depth)
    {
        if (depth > MaxIncludeDepth || !stack.Add(path))
        {
            throw new InvalidFormatException(ComposeErrorCodes.TreefileIncludeFailed, $"{path}: include cycle (the file includes itself, directly or through other files).", source: path);
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidFormatException(ComposeErrorCodes.TreefileIncludeFailed, $"{path}: cannot read the treefile: {ex.Message}", ex, source: path);
        }

        var root = ParseDocument(text, path);
        var merged = ApplyIncludes(root, Path.GetDirectoryName(path)!, stack, depth);
        stack.Remove(path);
        return merged;
    }

    private static TreefileNode ApplyIncludes(TreefileNode root, string directory, HashSet<string> stack, int depth)
    {
        if (!root.Fields!.Remove("include", out var include))
        {
            return root;
        }

        var paths = include.IsScalar ? [include] : include.Items ?? throw Error(include.Where, "include", "expected a file name or a list of file names");
        TreefileNode? merged = null;
        foreach (var p in paths)
        {
            string name = ScalarText(p, "include");
            string full = Path.GetFullPath(Path.Combine(directory, name));
            var included = LoadMerged(full, stack, depth + 1);
            merged = merged is null ? included : TreefileNode.Merge(merged, included);
        }

        return merged is null ? root : TreefileNode.Merge(merged, root);
    }

    private static TreefileNode ParseDocument(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new InvalidFormatException(ComposeErrorCodes.InvalidTreefile, $"{file}:{ex.Start.Line}:{ex.Start.Column}: not valid YAML or JSON: {ex.Message}", ex, source: file);
        }

        if (stream.Documents.Count == 0)
        {
            return TreefileNode.From(new YamlMappingNode(), file);
        }

        if (stream.Documents.Count > 1)
        {
            throw new InvalidFormatException(ComposeErrorCodes.InvalidTreefile, $"{file}: holds {stream.Documents.Count} YAML documents; a treefile is one.", source: file);
        }

        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode)
        {
            throw new InvalidFormatException(ComposeErrorCodes.InvalidTreefile, $"{file}:{root.Start.Line}:{root.Start.Column}: a treefile is a mapping of fields.", source: file);
        }

        return TreefileNode.From(root, file);
    }

    private static Treefile Convert(TreefileNode root, string? sourcePath, string directory)
    {
        var f = root.Fields!;
        foreach (var (name, node) in f)
        {
            if (!KnownFields.Contains(name))
            {
                throw Error(node.Where, name, $"unknown field (known: {string.Join(", ", KnownFields.Order(StringComparer.Ordinal))})");
            }
        }

        // Variables first: every other string may refer to them.
        var userVariables = f.TryGetValue("variables", out var vars) ? StringMap(vars, "variables", null) : new Dictionary<string, string>();
        string? architecture = OptionalString(f, "architecture", null);
        if (architecture is not null && !ArchitectureSyntax().IsMatch(architecture))
        {
            throw Error(f["architecture"].Where, "architecture", $"'{architecture}' is not a dpkg architecture name");
        }

        string? baseText = OptionalString(f, "base", null);
        BaseImageReference? baseRef = null;
        if (baseText is not null && !BaseImageReference.TryResolve(baseText, out baseRef))
        {
            throw Error(f["base"].Where, "base", $"'{baseText}' is not a base: expected DISTRIBUTION:RELEASE (debian:12), a codename (bookworm) or a branch (debian/12/x86_64)");
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["arch"] = architecture ?? AptListsDirectory.NativeArchitecture,
            ["basearch"] = architecture ?? AptListsDirectory.NativeArchitecture,
        };
        if (baseRef is not null)
        {
            variables["releasever"] = baseRef.Release;
            variables["distribution"] = baseRef.Distribution;
            if (baseRef.Codename is { } codename)
            {
                variables["suite"] = codename;
            }
        }

        foreach (var (k, v) in userVariables)
        {
            variables[k] = v;
        }

        string variant = OptionalString(f, "variant", variables) ?? "minbase";
        if (variant is not ("essential" or "minbase" or "required" or "important" or "standard"))
        {
            throw Error(f["variant"].Where, "variant", $"'{variant}' is not a variant (essential, minbase, required, important, standard)");
        }

        return new Treefile
        {
            SourcePath = sourcePath,
            Ref = OptionalString(f, "ref", variables),
            Base = baseText,
            Architecture = architecture,
            Variant = variant,
            Packages = PackageList(f, "packages", variables),
            ExcludePackages = PackageList(f, "exclude-packages", variables),
            Recommends = OptionalBool(f, "recommends") ?? false,
            Sources = f.TryGetValue("sources", out var sources) ? Sources(sources, variables) : null,
            DebconfSelections = StringList(f, "debconf-selections", variables),
            Scripts = f.TryGetValue("scripts", out var scripts) ? Scripts(scripts, variables) : new TreefileScripts(),
            AddFiles = f.TryGetValue("add-files", out var addFiles) ? AddFiles(addFiles, variables, directory) : [],
            RemoveFiles = StringList(f, "remove-files", variables).Select(p => p.TrimStart('/')).ToList(),
            Units = StringList(f, "units", variables),
            DefaultTarget = OptionalString(f, "default-target", variables),
            GpgKey = OptionalString(f, "gpg-key", variables),
            Postprocess = StringList(f, "postprocess", variables),
            Metadata = f.TryGetValue("metadata", out var metadata) ? StringMap(metadata, "metadata", variables) : new Dictionary<string, string>(),
            AutomaticVersionPrefix = OptionalString(f, "automatic-version-prefix", variables),
            MutateOsRelease = OptionalString(f, "mutate-os-release", variables),
            Documentation = OptionalBool(f, "documentation") ?? true,
            InstallLangs = StringList(f, "install-langs", variables),
            Variables = variables,
            Kernel = f.TryGetValue("kernel", out var kernel) ? Kernel(kernel, variables) : null,
            Initramfs = f.TryGetValue("initramfs", out var initramfs) ? Initramfs(initramfs, variables) : null,
        };
    }

    private static string ScalarText(TreefileNode node, string field)
    {
        if (node.Node is not YamlScalarNode { Value: { } value } scalar || (scalar.Style == ScalarStyle.Plain && value is "~" or "null" or ""))
        {
            throw Error(node.Where, field, "expected a string");
        }

        return value;
    }

    private static string Substitute(TreefileNode node, string field, string value, IReadOnlyDictionary<string, string>? variables)
    {
        if (variables is null || !value.Contains("${", StringComparison.Ordinal))
        {
            return value;
        }

        return VariableReference().Replace(value, m => variables.TryGetValue(m.Groups[1].Value, out var v)
            ? v
            : throw Error(node.Where, field, $"unknown variable '${{{m.Groups[1].Value}}}' (defined: {string.Join(", ", variables.Keys.Order(StringComparer.Ordinal))})"));
    }

    private static string String(TreefileNode node, string field, IReadOnlyDictionary<string, string>? variables) =>
        Substitute(node, field, ScalarText(node, field), variables);

    private static string? OptionalString(Dictionary<string, TreefileNode> f, string field, IReadOnlyDictionary<string, string>? variables) =>
        f.TryGetValue(field, out var node) ? String(node, field, variables) : null;

    private static bool? OptionalBool(Dictionary<string, TreefileNode> f, string field)
    {
        if (!f.TryGetValue(field, out var node))
        {
            return null;
        }

        return node.Node is YamlScalarNode { Value: "true" or "True" or "yes" or "false" or "False" or "no" } s
            ? s.Value is "true" or "True" or "yes"
            : throw Error(node.Where, field, "expected true or false");
    }

    private static List<string> StringList(Dictionary<string, TreefileNode> f, string field, IReadOnlyDictionary<string, string>? variables)
    {
        if (!f.TryGetValue(field, out var node))
        {
            return [];
        }

        if (node.Items is null)
        {
            throw Error(node.Where, field, "expected a list of strings");
        }

        return node.Items.Select(i => String(i, field, variables)).ToList();
    }

    private static List<string> PackageList(Dictionary<string, TreefileNode> f, string field, IReadOnlyDictionary<string, string> variables)
    {
        var result = new List<string>();
        if (!f.TryGetValue(field, out var node))
        {
            return result;
        }

        foreach (var item in node.Items ?? throw Error(node.Where, field, "expected a list of package names"))
        {
            // rpm-ostree allows several names in one string ("vim git"); so do we.
            foreach (var name in String(item, field, variables).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!PackageSyntax().IsMatch(name))
                {
                    throw Error(item.Where, field, $"'{name}' is not a package name (NAME, NAME:ARCH or NAME=VERSION)");
                }

                result.Add(name);
            }
        }

        return result;
    }

    private static Dictionary<string, string> StringMap(TreefileNode node, string field, IReadOnlyDictionary<string, string>? variables)
    {
        if (node.Fields is null)
        {
            throw Error(node.Where, field, "expected a mapping of names to values");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in node.Fields)
        {
            if (v.Node is not YamlScalarNode)
            {
                throw Error(v.Where, $"{field}.{k}", "expected a string, number or boolean");
            }

            result[k] = String(v, $"{field}.{k}", variables);
        }

        return result;
    }

    private static List<string> Sources(TreefileNode node, IReadOnlyDictionary<string, string> variables)
    {
        var result = new List<string>();
        foreach (var item in node.Items ?? throw Error(node.Where, "sources", "expected a list of deb822 source stanzas"))
        {
            string stanza;
            if (item.IsScalar)
            {
                stanza = String(item, "sources", variables);
            }
            else if (item.Fields is not null)
            {
                var text = new System.Text.StringBuilder();
                foreach (var (k, v) in item.Fields)
                {
                    string value = v.Items is not null ? string.Join(' ', v.Items.Select(i => String(i, $"sources.{k}", variables))) : String(v, $"sources.{k}", variables);
                    string canonical = string.Join('-', k.Split('-').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
                    if (value.Contains('\n', StringComparison.Ordinal))
                    {
                        // A multi-line value (an inline Signed-By key): deb822 continuation lines, "." for blank ones.
                        value = "\n" + string.Join('\n', value.TrimEnd('\n').Split('\n').Select(l => " " + (l.Length == 0 ? "." : l)));
                        text.Append(canonical).Append(':').Append(value).Append('\n');
                    }
                    else
                    {
                        text.Append(canonical).Append(": ").Append(value).Append('\n');
                    }
                }

                stanza = text.ToString();
            }
            else
            {
                throw Error(item.Where, "sources", "expected a deb822 stanza (text or a mapping of Types, URIs, Suites, Components, Signed-By)");
            }

            try
            {
                if (SourcesList.ParseDeb822(stanza, item.Where).Count == 0)
                {
                    throw Error(item.Where, "sources", "the stanza defines no source (is Types missing?)");
                }
            }
            catch (AptOstreeException ex) when (ex is not InvalidFormatException { Location: "sources" })
            {
                throw new InvalidFormatException(ComposeErrorCodes.InvalidTreefile, $"{item.Where}: field 'sources': {ex.Message}", ex, source: item.File, location: "sources");
            }

            result.Add(stanza);
        }

        return result;
    }

    private static TreefileScripts Scripts(TreefileNode node, IReadOnlyDictionary<string, string> variables)
    {
        var f = node.Fields ?? throw Error(node.Where, "scripts", "expected a mapping (ignore, replace, time-limit)");
        foreach (var (k, v) in f)
        {
            if (k is not ("ignore" or "replace" or "time-limit"))
            {
                throw Error(v.Where, $"scripts.{k}", "unknown field (known: ignore, replace, time-limit)");
            }
        }

        var ignore = StringList(f, "ignore", variables);
        foreach (var (name, i) in ignore.Zip(f.TryGetValue("ignore", out var ig) ? ig.Items! : []))
        {
            CheckScriptName(name, i, "scripts.ignore");
        }

        var replace = f.TryGetValue("replace", out var rep) ? StringMap(rep, "scripts.replace", variables) : new Dictionary<string, string>();
        foreach (var name in replace.Keys)
        {
            CheckScriptName(name, rep!.Fields![name], "scripts.replace");
        }

        TimeSpan? limit = null;
        if (f.TryGetValue("time-limit", out var tl))
        {
            string text = String(tl, "scripts.time-limit", variables);
            limit = ParseDuration(text) ?? throw Error(tl.Where, "scripts.time-limit", $"'{text}' is not a duration (seconds, or a number with s, m or h)");
        }

        return new TreefileScripts { Ignore = ignore, Replace = replace, TimeLimit = limit };
    }

    private static void CheckScriptName(string name, TreefileNode where, string field)
    {
        int dot = name.LastIndexOf('.');
        if (dot <= 0 || name[(dot + 1)..] is not ("preinst" or "postinst" or "prerm" or "postrm" or "config" or "triggers"))
        {
            throw Error(where.Where, field, $"'{name}' is not PACKAGE.SCRIPT (SCRIPT: preinst, postinst, prerm, postrm, config)");
        }
    }

    private static TimeSpan? ParseDuration(string text)
    {
        var m = DurationSyntax().Match(text);
        if (!m.Success)
        {
            return null;
        }

        double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromSeconds(n),
        };
    }

    private static List<TreefileAddFile> AddFiles(TreefileNode node, IReadOnlyDictionary<string, string> variables, string directory)
    {
        var result = new List<TreefileAddFile>();
        foreach (var item in node.Items ?? throw Error(node.Where, "add-files", "expected a list of [source, destination] pairs"))
        {
            if (item.Items is not { Count: 2 } pair)
            {
                throw Error(item.Where, "add-files", "expected a [source, destination] pair");
            }

            string source = String(pair[0], "add-files", variables);
            string destination = String(pair[1], "add-files", variables);
            if (!destination.StartsWith('/') || destination.Split('/').Any(p => p == ".."))
            {
                throw Error(pair[1].Where, "add-files", $"destination '{destination}' must be an absolute path without '..'");
            }

            // Relative to the file that names it (an include may live elsewhere); text parsed without a file uses the base directory.
            string baseDir = Path.IsPathRooted(item.File) && File.Exists(item.File) ? Path.GetDirectoryName(item.File)! : directory;
            result.Add(new TreefileAddFile(Path.GetFullPath(Path.Combine(baseDir, source)), destination));
        }

        return result;
    }

    private static TreefileKernel Kernel(TreefileNode node, IReadOnlyDictionary<string, string> variables)
    {
        if (node.IsScalar)
        {
            return new TreefileKernel(String(node, "kernel", variables), []);
        }

        var f = node.Fields ?? throw Error(node.Where, "kernel", "expected a package name or a mapping (package, cmdline)");
        foreach (var (k, v) in f)
        {
            if (k is not ("package" or "cmdline"))
            {
                throw Error(v.Where, $"kernel.{k}", "unknown field (known: package, cmdline)");
            }
        }

        string package = OptionalString(f, "package", variables) ?? throw Error(node.Where, "kernel.package", "missing");
        return new TreefileKernel(package, StringList(f, "cmdline", variables));
    }

    private static TreefileInitramfs Initramfs(TreefileNode node, IReadOnlyDictionary<string, string> variables)
    {
        var f = node.Fields ?? throw Error(node.Where, "initramfs", "expected a mapping (generator, modules, args)");
        foreach (var (k, v) in f)
        {
            if (k is not ("generator" or "modules" or "args"))
            {
                throw Error(v.Where, $"initramfs.{k}", "unknown field (known: generator, modules, args)");
            }
        }

        string generator = OptionalString(f, "generator", variables) ?? "dracut";
        if (generator != "dracut")
        {
            throw Error(f["generator"].Where, "initramfs.generator", $"'{generator}' is not supported (dracut)");
        }

        return new TreefileInitramfs(generator, StringList(f, "modules", variables), StringList(f, "args", variables));
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_-]*)\}")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$")]
    private static partial Regex PackageSyntax();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex ArchitectureSyntax();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*(s|m|h)?$")]
    private static partial Regex DurationSyntax();
}
