using System.CommandLine;
using AptOstree.Deb;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree deb build DIR OUT.deb [--compression …]`: like `dpkg-deb --build`.</summary>
internal static class DebBuildCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("directory") { Description = "Package tree with DEBIAN/control." };
        var output = new Argument<string>("output") { Description = "The .deb to write, or a directory to write PACKAGE_VERSION_ARCH.deb into (as dpkg-deb)." };
        var compression = new Option<string>("--compression", "-Z") { Description = "xz (default), zstd, gzip or none.", DefaultValueFactory = _ => "xz" };
        compression.AcceptOnlyFromAmong("xz", "zstd", "gzip", "none");
        var rootOwner = new Option<bool>("--root-owner-group") { Description = "Record every entry as root:root (like dpkg-deb --root-owner-group)." };
        var command = new Command("build", "Build a .deb from a directory (like dpkg-deb --build).") { directory, output, compression, rootOwner };
        command.SetAction(parse =>
        {
            if (!DebCompressionNames.TryParseName(parse.GetValue(compression), out var codec))
            {
                throw new AptOstreeException(CoreErrorCodes.InvalidArgument, $"Unknown compression '{parse.GetValue(compression)}'.");
            }

            var builder = DebBuilder.FromDirectory(parse.GetValue(directory)!, parse.GetValue(rootOwner));
            builder.Compression = codec;
            foreach (var ignored in builder.IgnoredFiles)
            {
                Console.Error.WriteLine($"apt-ostree: {ignored}: socket ignored");
            }

            var target = parse.GetValue(output)!;
            if (Directory.Exists(target))
            {
                target = Path.Combine(target, builder.DefaultFileName);
                var package = builder.DefaultFileName.Split('_')[0];
                Console.WriteLine($"apt-ostree: building package '{package}' in '{target}'.");
            }

            builder.Build(target);
            return 0;
        });
        return command;
    }
}
