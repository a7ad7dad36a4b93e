using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree log REV [--raw]`: the commit chain, in ostree's format.</summary>
internal static class OstreeLogCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var rev = new Argument<string>("REV");
        var raw = new Option<bool>("--raw") { Description = "Show raw variant data." };
        var command = new Command("log", "Show log starting at commit or ref.") { repo, raw, rev };
        command.SetAction(parseResult =>
        {
            var repository = repo.Open(parseResult);
            foreach (var (checksum, commit) in repository.Browse().Log(repository.ResolveRev(parseResult.GetValue(rev)!)))
            {
                Console.Write(parseResult.GetValue(raw) ? OstreeCommitText.FormatRawCommit(repository, checksum) : OstreeCommitText.FormatCommit(checksum, commit));
            }

            return 0;
        });
        return command;
    }
}
