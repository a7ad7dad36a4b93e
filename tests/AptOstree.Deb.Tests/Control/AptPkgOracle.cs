using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Control;

/// <summary>
/// APT's own C++ implementation reached through python3-apt (<c>apt_pkg</c>): its deb822 tag-file parser, its
/// dependency parser and its version comparison. Tests skip, visibly, when <c>/usr/bin/python3</c> has no <c>apt_pkg</c>.
/// </summary>
internal static class AptPkgOracle
{
    public const string Python = "/usr/bin/python3";

    public static void Require()
    {
        ExternalTool.Require(Python);
        var probe = ExternalTool.Run(Python, ["-c", "import apt_pkg"]);
        Skip.If(probe.ExitCode != 0, "python3-apt (apt_pkg) is not installed; eng/install-deps.sh installs it.");
    }

    /// <summary>Runs a Python script (with apt_pkg initialised) and returns its stdout.</summary>
    public static string RunScript(string script, params string[] arguments)
    {
        Require();
        using var dir = new TempDirectory("aptostree-aptpkg-");
        var path = Path.Combine(dir.Path, "oracle.py");
        File.WriteAllText(path, "import apt_pkg, sys, json\napt_pkg.init_system()\n" + script);
        return ExternalTool.Run(Python, [path, .. arguments]).EnsureSuccess("python3 apt_pkg oracle").StandardOutput;
    }
}
