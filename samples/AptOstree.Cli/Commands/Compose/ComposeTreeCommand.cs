using System.CommandLine;
using System.Globalization;
using AptOstree.Compose;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>
/// `apt-ostree compose tree TREEFILE --repo=REPO [--cachedir=DIR] [--dry-run] [--download-only] [--lockfile=F]
/// [--lockfile-out=F] [--write-commitid-to=F] [--print-only] [--force-nocache] [--gpg-sign=KEYID [--gpg-homedir=DIR | --keyring=FILE]]`,
/// as rpm-ostree's: exit 77 when nothing changed. The commit is signed with <c>--gpg-sign</c>, else the treefile's <c>gpg-key</c>.
/// </summary>
internal static class ComposeTreeCommand
{
    private const int NoChanges = 77;

    public static Command Create()
    {
        var treefile = new Argument<string>("TREEFILE") { Description = "YAML or JSON treefile." };
        var repo = new RepoOption();
        var cache = new Option<string?>("--cachedir") { Description = "Downloaded packages and indexes (default: REPO/../cache)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the packages, versions and download size; change nothing." };
        var downloadOnly = new Option<bool>("--download-only") { Description = "Resolve and download, then stop." };
        var lockIn = new Option<string?>("--lockfile") { Description = "Install exactly the packages of this lockfile." };
        var lockOut = new Option<string?>("--lockfile-out") { Description = "Write the lockfile of this compose." };
        var commitIdTo = new Option<string?>("--write-commitid-to") { Description = "Write the commit checksum to this file." };
        var printOnly = new Option<bool>("--print-only") { Description = "Print the resolved treefile (includes and variables applied) as JSON." };
        var force = new Option<bool>("--force-nocache") { Description = "Commit even when the inputs did not change." };
        var gpgSign = new Option<string?>("--gpg-sign") { Description = "Sign the commit with this GPG key id (overrides the treefile's gpg-key)." };
        var gpgKeys = new GpgKeyOptions();
        var command = new Command("tree", "Compose a treefile into a commit.") { treefile, repo, cache, dryRun, downloadOnly, lockIn, lockOut, commitIdTo, printOnly, force, gpgSign, gpgKeys.Homedir, gpgKeys.Keyring };
        command.SetAction(async (parse, ct) =>
        {
            var tree = TreefileLoader.Load(parse.GetValue(treefile)!);
            if (parse.GetValue(printOnly))
            {
                Console.WriteLine(tree.ToJson());
                return 0;
            }

            string repoPath = repo.PathToCreate(parse);
            var composer = parse.GetRequiredService<TreeComposerFactory>().Open(repoPath);
            string cacheDir = parse.GetValue(cache) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(repoPath))!, "cache");
            var options = new ComposeOptions
            {
                CacheDirectory = cacheDir,
                DryRun = parse.GetValue(dryRun),
                DownloadOnly = parse.GetValue(downloadOnly),
                Lockfile = parse.GetValue(lockIn) is { } l ? ComposeLockfile.Parse(await File.ReadAllTextAsync(l, ct).ConfigureAwait(false), l) : null,
                Force = parse.GetValue(force),
            };
            if ((parse.GetValue(gpgSign) ?? tree.GpgKey) is { } keyId && !options.DryRun && !options.DownloadOnly)
            {
                options = options with { GpgSigningKeys = [gpgKeys.Load(parse, keyId)] };
            }

            var progress = new Progress<OperationProgress>(p =>
            {
                if (p.Total is { } total && p.Completed < total && p.Completed % 10 != 0)
                {
                    return;
                }

                Console.Error.WriteLine(p.Total is { } t ? $"  {p.Operation}: {p.Completed}/{t} {p.CurrentItem}" : $"  {p.Operation}…");
            });
            var result = await composer.ComposeAsync(tree, options, progress, ct).ConfigureAwait(false);
            if (parse.GetValue(lockOut) is { } lo)
            {
                await File.WriteAllTextAsync(lo, result.Lockfile.Format(), ct).ConfigureAwait(false);
            }

            if (options.DryRun)
            {
                foreach (var p in result.Packages)
                {
                    Console.WriteLine($"{p.Name} {p.Version} {p.Architecture}");
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Packages.Count} packages, {result.Packages.Sum(p => p.Size) / 1048576.0:F1} MiB to download (cached files are reused)"));
                return 0;
            }

            foreach (var phase in result.Phases)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase.Phase,-12} {phase.Duration.TotalSeconds,8:F2} s"));
            }

            foreach (var s in result.Scripts.Take(5))
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  script {s.Script,-40} {s.Duration.TotalSeconds,8:F2} s"));
            }

            if (result.Commit is { } commit && parse.GetValue(commitIdTo) is { } to)
            {
                await File.WriteAllTextAsync(to, commit.ToString(), ct).ConfigureAwait(false);
            }

            if (options.DownloadOnly)
            {
                Console.WriteLine($"Downloaded {result.Packages.Count} packages into {cacheDir}/debs");
                return 0;
            }

            if (!result.Changed)
            {
                Console.WriteLine($"No apparent changes since previous commit; {result.Ref} => {result.Commit}");
                return NoChanges;
            }

            Console.WriteLine($"{result.Ref} => {result.Commit}");
            return 0;
        });
        return command;
    }
}
