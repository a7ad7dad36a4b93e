using System.CommandLine;
using AptOstree.OSTree;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree init --repo=R --mode=M`.</summary>
internal static class OstreeInitCommand
{
    public static Command Create()
    {
        var repo = OstreeCommand.RepoOption();
        var mode = new Option<string>("--mode") { Description = "bare, bare-user, bare-user-only or archive (archive-z2).", DefaultValueFactory = _ => "bare" };
        var collection = new Option<string?>("--collection-id") { Description = "Collection ID of the repository." };
        var command = new Command("init", "Initialize a new empty repository.") { repo, mode, collection };
        command.SetAction(parseResult =>
        {
            string modeText = parseResult.GetValue(mode) ?? "bare";
            if (!RepoModeExtensions.TryParse(modeText, out var repoMode))
            {
                Console.Error.WriteLine($"apt-ostree: error: Invalid mode '{modeText}'");
                return 1;
            }

            OstreeRepository.Create(OstreeCommand.RepoPath(parseResult, repo), repoMode, collectionId: parseResult.GetValue(collection));
            return 0;
        });
        return command;
    }
}
