using System.CommandLine;

namespace AptOstree.Cli.Commands;

/// <summary>
/// `apt-ostree`: the verb families and the options every verb takes. It carries the application's service provider,
/// built after parsing (so that <c>-v</c> can configure logging), to the verbs' actions (<see cref="CommandServices"/>).
/// </summary>
internal sealed class AptOstreeRootCommand : RootCommand
{
    public AptOstreeRootCommand()
        : base("apt-ostree: image-based (atomic) OS management for Debian and Ubuntu.")
    {
        Options.Add(VerboseOption.Instance);
        Subcommands.Add(DebCommand.Create());
        Subcommands.Add(AptCommand.Create());
        Subcommands.Add(OstreeCommand.Create());
        Subcommands.Add(AdminCommand.Create());
        Subcommands.Add(ImageCommand.Create());
        Subcommands.Add(ComposeCommand.Create());
        LayeringCommand.AddTo(this);
    }

    /// <summary>The application's services; set by Program once the command line is parsed.</summary>
    public IServiceProvider? Services { get; set; }
}
