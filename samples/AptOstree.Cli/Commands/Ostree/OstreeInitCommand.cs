using System.CommandLine;
using AptOstree.OSTree;
using AptOstree.Posix;
using Microsoft.Extensions.Logging;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree init --repo=R --mode=M`.</summary>
internal static class OstreeInitCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var mode = new Option<string>("--mode") { Description = "bare, bare-user, bare-user-only or archive (archive-z2).", DefaultValueFactory = _ => "bare" };
        var collection = new Option<string?>("--collection-id") { Description = "Collection ID of the repository." };
        var command = new Command("init", "Initialize a new empty repository.") { repo, mode, collection };
        command.SetAction(parseResult =>
        {
            string path = repo.PathToCreate(parseResult);
            string modeText = parseResult.GetValue(mode) ?? "bare";
            if (!RepoModeExtensions.TryParse(modeText, out var repoMode))
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Invalid mode '{modeText}'");
            }

            // The repository gets the container's file layer and logging, as OstreeRepositoryFactory gives opened ones.
            var options = new RepositoryOptions
            {
                FileSystem = parseResult.GetRequiredService<IPosixFileSystem>(),
                LoggerFactory = parseResult.GetRequiredService<ILoggerFactory>(),
            };
            OstreeRepository.Create(path, repoMode, options, parseResult.GetValue(collection));
            return 0;
        });
        return command;
    }
}
