using System.CommandLine;
using System.Globalization;
using AptOstree.Compose.Images;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree image build --repo=R REF --out=disk.img [--size=…]`: a bootable raw disk image from a commit.</summary>
internal static class ImageCommand
{
    public static Command Create()
    {
        var command = new Command("image", "Build bootable disk images from commits.");
        command.Subcommands.Add(CreateBuild());
        return command;
    }

    private static Command CreateBuild()
    {
        var repo = new Option<string>("--repo") { Description = "The OSTree repository holding the commit.", Required = true };
        var refspec = new Argument<string>("ref") { Description = "The ref or commit to deploy into the image (a tree with a kernel in /usr/lib/modules/KVER/)." };
        var output = new Option<string>("--out") { Description = "The raw disk image to write.", Required = true };
        var size = new Option<string?>("--size") { Description = "Total image size, e.g. 4G, 2500M or bytes (default: what the tree needs plus room)." };
        var os = new Option<string?>("--os") { Description = "The stateroot (default: the ref's first element)." };
        var karg = new Option<string[]>("--karg") { Description = "Kernel argument (repeatable; default: rw console=tty0 console=ttyS0,115200). root=UUID=… is always added." };
        var command = new Command("build", "Build a raw GPT disk image (EFI system partition with GRUB, ext4 root with the commit deployed) that boots with UEFI firmware.")
        {
            repo, refspec, output, size, os, karg,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var kargs = parse.GetValue(karg) is { Length: > 0 } given ? given : ["rw", "console=tty0", "console=ttyS0,115200"];
            long? bytes = null;
            if (parse.GetValue(size) is { } text)
            {
                bytes = TryParseSize(text);
                if (bytes is null)
                {
                    await Console.Error.WriteLineAsync($"apt-ostree: --size: '{text}' is not a size (bytes, or a number with K, M, G or T).").ConfigureAwait(false);
                    return 2;
                }
            }

            var options = new DiskImageOptions
            {
                Size = bytes,
                Stateroot = parse.GetValue(os),
                KernelArguments = kargs,
            };
            var progress = new Progress<AptOstree.OperationProgress>(p => Console.Error.WriteLine($"  [{p.Completed}/{p.Total}] {p.CurrentItem} done"));
            var image = await new DiskImageBuilder().BuildAsync(parse.GetValue(repo)!, parse.GetValue(refspec)!, parse.GetValue(output)!, options, progress, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Wrote {image.Path} ({image.Size / DiskImageOptions.MiB} MiB): commit {image.Commit} in stateroot {image.Stateroot}, root file system UUID {image.RootFileSystemUuid}");
            foreach (var step in image.Steps)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {step.Name,-10} {step.Duration.TotalSeconds,7:F1} s"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"total",-10} {image.Steps.Sum(s => s.Duration.TotalSeconds),7:F1} s"));
            return 0;
        });
        return command;
    }

    /// <summary>Bytes, or a number with K, M, G or T (powers of 1024, an optional trailing B or iB).</summary>
    internal static long? TryParseSize(string text)
    {
        string t = text.Trim().ToUpperInvariant();
        t = t.EndsWith("IB", StringComparison.Ordinal) ? t[..^2] : t.EndsWith('B') ? t[..^1] : t;
        long factor = t.Length > 0 ? t[^1] switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1 } : 1;
        string number = factor == 1 ? t : t[..^1];
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0 && value <= long.MaxValue / factor
            ? value * factor
            : null;
    }
}
