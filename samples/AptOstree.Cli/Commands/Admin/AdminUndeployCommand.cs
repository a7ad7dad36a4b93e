using System.CommandLine;
using System.Globalization;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree admin undeploy INDEX`.</summary>
internal static class AdminUndeployCommand
{
    public static Command Create()
    {
        var index = new Argument<int>("index") { Description = "Index of the deployment to remove." };
        var command = new Command("undeploy", "Remove a deployment (not the booted one).") { index };
        command.SetAction(parse =>
        {
            int i = parse.GetValue(index);
            AdminCommand.Open(parse).Undeploy(i);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Deleted deployment {i}"));
            return 0;
        });
        return command;
    }
}
