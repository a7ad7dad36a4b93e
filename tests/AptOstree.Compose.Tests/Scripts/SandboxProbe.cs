using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace AptOstree.Compose.Tests.Scripts;

/// <summary>
/// The test assembly's entry point (the project sets GenerateProgramFile=false): tests run it as the unprivileged
/// test user (<c>runuser … dotnet AptOstree.Compose.Tests.dll sandbox-probe …</c>) to use <see cref="ScriptSandbox"/>
/// from a process that is not root, and read what it printed.
/// </summary>
/// <remarks>
/// <c>run LOWER WORK SCRIPT [NAME=VALUE…]</c>: runs <c>sh -e SCRIPT</c> in a sandbox over LOWER and prints
/// <c>exit N</c> then one <c>change …</c> line per <see cref="SandboxFingerprint"/> entry.
/// <c>open-run LOWER WORK</c>: opens a sandbox and runs <c>true</c>, printing <c>ok</c>.
/// <c>bench LOWER WORK N</c>: runs <c>true</c> N times, printing each wall time in milliseconds.
/// <c>compose TREEFILE LISTS CACHE REPO WORK EPOCH</c>: composes the treefile into REPO (a new bare-user repository
/// when missing) with <see cref="TreeComposer"/>, printing <c>commit CHECKSUM</c> and <c>newly-imported N</c>; an <see cref="AptOstreeException"/>
/// prints <c>error CODE MESSAGE</c> and exits 2.
/// <c>commit-readonly REPO BRANCH</c>: creates a bare-user repository and commits to BRANCH a tree holding one file of
/// mode 0444 owned by root, printing <c>commit CHECKSUM</c>.
/// A <see cref="ScriptSandboxException"/> prints <c>error CODE MESSAGE</c> and exits 2.
/// </remarks>
internal static class SandboxProbe
{
    public const string ScriptPathInSandbox = "/run/aptostree-probe/script";

    /// <summary>The <c>dotnet</c> argv that runs this assembly's probe.</summary>
    public static string[] Command(params string[] args) =>
        ["dotnet", Assembly.GetExecutingAssembly().Location, "sandbox-probe", .. args];

    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 4 || args[0] != "sandbox-probe")
        {
            await Console.Error.WriteLineAsync("usage: sandbox-probe run|open-run|bench LOWER WORK [...]");
            return 64;
        }

        try
        {
            return args[1] switch
            {
                "run" => await RunScriptAsync(args[2], args[3], args[4], args[5..]),
                "open-run" => await OpenRunAsync(args[2], args[3]),
                "bench" => await BenchAsync(args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture)),
                "commit-readonly" => CommitReadOnly(args[2], args[3]),
                "compose" => await ComposeAsync(args[2], args[3], args[4], args[5], args[6], long.Parse(args[7], CultureInfo.InvariantCulture)),
                _ => 64,
            };
        }
        catch (AptOstreeException ex)
        {
            Console.WriteLine($"error {ex.ErrorCode} {ex.Message.ReplaceLineEndings(" ")}");
            return 2;
        }
    }

    private static async Task<int> RunScriptAsync(string lower, string work, string script, string[] environment)
    {
        var options = new ScriptSandboxOptions
        {
            ReadOnlyBinds = new Dictionary<string, string> { [ScriptPathInSandbox] = script },
            Environment = environment.Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p[1]),
            TimeLimit = TimeSpan.FromMinutes(5),
        };
        await using var sandbox = ScriptSandbox.Open(lower, work, options);
        var result = await sandbox.RunAsync(["sh", "-e", ScriptPathInSandbox]);
        Console.WriteLine($"exit {result.ExitCode}");
        if (!result.Succeeded)
        {
            Console.WriteLine(result.OutputTail);
            return 1;
        }

        foreach (var line in SandboxFingerprint.Of(sandbox, sandbox.CaptureChanges()))
        {
            Console.WriteLine("change " + line);
        }

        return 0;
    }

    private static async Task<int> ComposeAsync(string treefile, string lists, string cache, string repository, string work, long sourceDateEpoch)
    {
        var repo = Directory.Exists(repository) ? OSTree.OstreeRepository.Open(repository) : OSTree.OstreeRepository.Create(repository, OSTree.RepoMode.BareUser);
        var result = await new TreeComposer(repo).ComposeAsync(
            TreefileLoader.Load(treefile),
            new ComposeOptions { CacheDirectory = cache, ListsDirectory = lists, WorkDirectory = work, SourceDateEpoch = sourceDateEpoch });
        Console.WriteLine($"commit {result.Commit}");
        Console.WriteLine($"newly-imported {result.NewlyImported.Count}");
        return 0;
    }

    private static int CommitReadOnly(string repository, string branch)
    {
        var repo = OSTree.OstreeRepository.Create(repository, OSTree.RepoMode.BareUser);
        var root = new OSTree.MutableTree();
        byte[] bytes = "read only\n"u8.ToArray();
        using var content = new MemoryStream(bytes);
        root.EnsureDirectory("usr/etc").SetFile("readonly.conf", repo.WriteContent(OSTree.FileHeader.ForFile(0, 0, 0x124), content, bytes.Length));
        var commit = repo.CommitTree(root, new OSTree.CommitOptions { Branch = branch, Subject = "read-only file", Timestamp = DateTimeOffset.UnixEpoch });
        Console.WriteLine($"commit {commit}");
        return 0;
    }

    private static async Task<int> OpenRunAsync(string lower, string work)
    {
        await using var sandbox = ScriptSandbox.Open(lower, work);
        (await sandbox.RunAsync(["true"])).EnsureSuccess();
        Console.WriteLine("ok");
        return 0;
    }

    private static async Task<int> BenchAsync(string lower, string work, int count)
    {
        await using var sandbox = ScriptSandbox.Open(lower, work);
        for (int i = 0; i < count; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            (await sandbox.RunAsync(["true"])).EnsureSuccess();
            Console.WriteLine(stopwatch.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture));
        }

        return 0;
    }
}
