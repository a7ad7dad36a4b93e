using System.CommandLine;
using AptOstree.Deb;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree deb extract FILE DIR`: like `dpkg-deb -x`.</summary>
internal static class DebExtractCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The .deb file." };
        var directory = new Argument<string>("directory") { Description = "Where to extract (created if missing)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print a summary line." };
        var command = new Command("extract", "Extract the data member into a directory (like dpkg-deb -x); never writes outside it.") { file, directory, verbose };
        command.SetAction(parse =>
        {
            using var pkg = parse.GetRequiredService<DebPackageReader>().Open(parse.GetValue(file)!);
            var result = pkg.ExtractTo(parse.GetValue(directory)!);
            if (parse.GetValue(verbose))
            {
                Console.WriteLine($"{result.Entries} entries: {result.Files} files ({result.Bytes} bytes), {result.Directories} directories, {result.SymbolicLinks} symlinks, {result.HardLinks} hard links, {result.SpecialFiles} special files.");
            }

            foreach (var e in result.MetadataNotApplied)
            {
                Console.Error.WriteLine($"apt-ostree: not root: ownership or device node of {e.Name} ({e.UserName}/{e.GroupName}) not applied");
            }

            return 0;
        });
        return command;
    }
}
