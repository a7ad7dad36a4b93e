using System.CommandLine;
using AptOstree.Cli.Progress;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>
/// `apt-ostree ostree checkout --repo=R [-H] [-U] [--union] REF DIR`. As in ostree, a plain (or <c>--union</c>,
/// <c>--subpath</c>) user-mode checkout of an archive repository goes through its <c>uncompressed-objects-cache</c>;
/// <c>--disable-cache</c> or any option of libostree's newer checkout API (<c>ostree_repo_checkout_at</c>) turns that off.
/// </summary>
internal static class OstreeCheckoutCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var user = new Option<bool>("--user-mode", "-U") { Description = "Do not change file ownership or initialize extended attributes." };
        var hardlinks = new Option<bool>("--require-hardlinks", "-H") { Description = "Do not fall back to full copies if hardlinking fails." };
        var copy = new Option<bool>("--force-copy", "-C") { Description = "Never hardlink (but may reflink if available)." };
        var union = new Option<bool>("--union") { Description = "Keep existing directories, overwrite existing files." };
        var unionAdd = new Option<bool>("--union-add") { Description = "Keep existing files/directories, only add new." };
        var whiteouts = new Option<bool>("--whiteouts") { Description = "Process 'whiteout' (Docker style) entries." };
        var passthrough = new Option<bool>("--process-passthrough-whiteouts") { Description = "Turn .ostree-wh. entries into overlayfs whiteouts." };
        var subpath = new Option<string?>("--subpath") { Description = "Checkout sub-directory PATH." };
        var bareUserOnlyDirs = new Option<bool>("--bareuseronly-dirs", "-M") { Description = "Suppress mode bits outside of 0775 for directories." };
        var disableCache = new Option<bool>("--disable-cache") { Description = "Do not update or use the internal repository uncompressed object cache." };
        var rev = new Argument<string>("COMMIT") { Description = "Ref or checksum." };
        var destination = new Argument<string?>("DESTINATION") { Arity = ArgumentArity.ZeroOrOne, Description = "Target directory (defaults to COMMIT)." };
        var command = new Command("checkout", "Check out a commit into a filesystem tree.")
        {
            repo, user, hardlinks, copy, union, unionAdd, whiteouts, passthrough, subpath, bareUserOnlyDirs, disableCache, rev, destination,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var repository = repo.Open(parseResult);
            string target = parseResult.GetValue(rev)!;
            var progress = ConsoleProgress.ForStandardError();
            bool newApiOptions = parseResult.GetValue(disableCache) || parseResult.GetValue(whiteouts) || parseResult.GetValue(hardlinks) || parseResult.GetValue(unionAdd)
                || parseResult.GetValue(copy) || parseResult.GetValue(bareUserOnlyDirs) || parseResult.GetValue(passthrough);
            repository.Checkout(target, parseResult.GetValue(destination) ?? target, new CheckoutOptions
            {
                Mode = parseResult.GetValue(user) ? CheckoutMode.User : CheckoutMode.Root,
                RequireHardlinks = parseResult.GetValue(hardlinks),
                ForceCopy = parseResult.GetValue(copy),
                Overwrite = parseResult.GetValue(union) ? CheckoutOverwriteMode.UnionFiles : parseResult.GetValue(unionAdd) ? CheckoutOverwriteMode.AddFiles : CheckoutOverwriteMode.None,
                ProcessWhiteouts = parseResult.GetValue(whiteouts),
                ProcessPassthroughWhiteouts = parseResult.GetValue(passthrough),
                Subpath = parseResult.GetValue(subpath),
                BareUserOnlyDirectories = parseResult.GetValue(bareUserOnlyDirs),
                UseUncompressedCache = !newApiOptions,
            }, progress, cancellationToken);
            progress.Complete(progress.Summary("checkout", ProgressUnit.Files));
            return Task.FromResult(0);
        });
        return command;
    }
}
