using System.CommandLine;
using AptOstree.Cli.Progress;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree pull-local SRC_REPO [REF...]`: copy commits from a repository on this machine.</summary>
internal static class OstreePullLocalCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var depth = new Option<int>("--depth") { Description = "Traverse DEPTH parents (-1=infinite) (default: 0)." };
        var remoteName = new Option<string?>("--remote") { Description = "Add REMOTE to refspec." };

        // Our pull re-hashes every object it copies from any source, so the checks ostree adds with this flag always run.
        var untrusted = new Option<bool>("--untrusted") { Description = "Verify checksums of local sources (always done: every copied object is re-hashed)." };
        var gpgVerify = new Option<bool>("--gpg-verify") { Description = "GPG verify commits (must specify --remote)." };
        var gpgVerifySummary = new Option<bool>("--gpg-verify-summary") { Description = "GPG verify summary (must specify --remote)." };
        var source = new Argument<string>("SRC_REPO");
        var refs = new Argument<string[]>("REF") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("pull-local", "Copy data from SRC_REPO.") { repo, depth, remoteName, untrusted, gpgVerify, gpgVerifySummary, source, refs };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var repository = repo.Open(parseResult);
            string src = parseResult.GetValue(source)!;
            var list = parseResult.GetValue(refs) is { Length: > 0 } given ? given : parseResult.GetRequiredService<OstreeRepositoryFactory>().Open(src).Refs.List().Keys.Where(k => !k.Contains(':', StringComparison.Ordinal)).ToArray();
            var progress = ConsoleProgress.ForStandardError();
            foreach (var r in list)
            {
                await repository.PullLocalAsync(src, r, new PullOptions { Depth = parseResult.GetValue(depth), Remote = parseResult.GetValue(remoteName), GpgVerify = parseResult.GetValue(gpgVerify), GpgVerifySummary = parseResult.GetValue(gpgVerifySummary), Progress = progress }, cancellationToken);
            }

            progress.Complete(progress.Summary("pull", ProgressUnit.Objects));
            return 0;
        });
        return command;
    }
}
