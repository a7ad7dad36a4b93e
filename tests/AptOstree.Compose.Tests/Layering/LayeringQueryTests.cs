using System.Text.Json;
using AptOstree.Compose.Layering;
using AptOstree.OSTree.Sysroot;
using AptOstree.Testing;

namespace AptOstree.Compose.Tests.Layering;

/// <summary>status, db list and db diff against <c>ostree admin status</c> and <c>dpkg-query</c>, read without checkouts.</summary>
public sealed class LayeringQueryTests
{
    private static readonly string BaseStatus =
        LayeringSysroot.Stanza("base-files", "12.4") + LayeringSysroot.Stanza("bash", "5.2.15-2") + LayeringSysroot.Stanza("libc6", "2.36-9")
        + LayeringSysroot.Stanza("removed-pkg", "1.0", "all", "deinstall ok config-files");

    [SkippableFact]
    public void Status_ThreeDeploymentsOneLayered_MatchesOstreeAdminStatusWithoutCheckouts()
    {
        using var sr = new LayeringSysroot();
        string v1 = sr.Commit(sr.NewTree(BaseStatus), "1");
        sr.Deploy(v1);
        string v2 = sr.Commit(sr.NewTree(BaseStatus), "2");
        sr.Deploy(v2);
        string layered = sr.Commit(sr.NewTree(BaseStatus + LayeringSysroot.Stanza("hello", "2.10-3")), "2", branch: null,
            $"--parent={v2}", "--add-metadata=aptostree.clientlayer=true", $"--add-metadata-string=aptostree.clientlayer.base={v2}",
            "--add-metadata=aptostree.clientlayer.packages=['hello 2.10-3 amd64']", "--add-metadata=aptostree.clientlayer.requested=['hello']");
        var origin = LayeredOrigin.WithRequests(DeploymentOrigin.ForRefspec(LayeringSysroot.Branch), ["hello", "bash"],
            [new LocalPackageRequest(new string('a', 64), "mytool", "1.0", "all")]);
        sr.Deploy(layered, origin.ToString());

        var (oracle, oracleText) = sr.OstreeStatus();
        Assert.Contains($"origin refspec: {LayeringSysroot.Branch}", oracleText, StringComparison.Ordinal);
        Assert.Equal(3, oracle.Count);

        // Nothing is checked out to answer: the deployments' trees are gone and status still answers from the repository.
        foreach (var dir in Directory.GetDirectories($"{sr.Path}/ostree/deploy/{LayeringSysroot.Os}/deploy"))
        {
            Directory.Delete($"{dir}/usr", recursive: true);
        }

        var status = PackageLayering.Open(sr.Path).GetStatus();
        Assert.Equal(oracle, status.Select(s => (s.Deployment.Stateroot, s.Checksum, s.Deployment.DeploySerial)).ToList());
        var top = status[0];
        Assert.Equal(layered, top.Checksum);
        Assert.Equal(v2, top.BaseChecksum);
        Assert.Equal("2", top.BaseVersion);
        Assert.Equal(["bash", "hello"], top.RequestedPackages);
        Assert.Equal(["hello"], top.Packages);
        Assert.Equal(["bash"], top.InactiveRequests);
        Assert.Equal(["mytool_1.0_all"], top.RequestedLocalPackages);
        Assert.Equal(LayeringSysroot.Branch, top.Origin);
        Assert.Equal([new DpkgPackage("hello", "2.10-3", "amd64")], top.LayeredPackages);
        Assert.Null(status[1].BaseChecksum);
        Assert.Equal("2", status[1].Version);
        Assert.Equal("1", status[2].Version);
        Assert.Equal(1700000000UL, status[2].Timestamp);
    }

    [SkippableFact]
    public void StatusJson_LayeredDeployment_HasRpmOstreeFieldNames()
    {
        using var sr = new LayeringSysroot();
        string v1 = sr.Commit(sr.NewTree(BaseStatus), "1");
        sr.Deploy(v1);
        string layered = sr.Commit(sr.NewTree(BaseStatus + LayeringSysroot.Stanza("hello", "2.10-3")), "1", branch: null,
            $"--parent={v1}", "--add-metadata=aptostree.clientlayer=true", $"--add-metadata-string=aptostree.clientlayer.base={v1}",
            "--add-metadata=aptostree.clientlayer.packages=['hello 2.10-3 amd64']", "--add-metadata=aptostree.clientlayer.requested=['hello']");
        sr.Deploy(layered, LayeredOrigin.WithRequests(DeploymentOrigin.ForRefspec(LayeringSysroot.Branch), ["hello"], []).ToString());

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            LayeringJson.WriteStatus(writer, PackageLayering.Open(sr.Path).GetStatus());
        }

        using var doc = JsonDocument.Parse(buffer.ToArray());
        var root = doc.RootElement;
        Assert.Equal(["deployments", "transaction", "cached-update"], root.EnumerateObject().Select(p => p.Name));
        var deployments = root.GetProperty("deployments").EnumerateArray().ToList();
        Assert.Equal(2, deployments.Count);
        string[] always = ["id", "osname", "serial", "checksum", "version", "timestamp", "origin", "booted", "pinned", "staged", "packages",
            "requested-packages", "requested-local-packages", "base-removals", "requested-base-removals", "base-local-replacements",
            "regenerate-initramfs", "unlocked", "base-commit-meta"];
        foreach (var d in deployments)
        {
            var names = d.EnumerateObject().Select(p => p.Name).ToHashSet();
            Assert.All(always, n => Assert.Contains(n, names));
        }

        var top = deployments[0];
        Assert.Equal($"{LayeringSysroot.Os}-{layered}.0", top.GetProperty("id").GetString());
        Assert.Equal(LayeringSysroot.Os, top.GetProperty("osname").GetString());
        Assert.Equal(v1, top.GetProperty("base-checksum").GetString());
        Assert.Equal("1", top.GetProperty("base-version").GetString());
        Assert.Equal(LayeringSysroot.Branch, top.GetProperty("origin").GetString());
        Assert.Equal(["hello"], top.GetProperty("packages").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("1", top.GetProperty("base-commit-meta").GetProperty("version").GetString());
        Assert.False(top.GetProperty("booted").GetBoolean());
        Assert.False(deployments[1].TryGetProperty("base-checksum", out _));
    }

    [SkippableFact]
    public void ListPackages_HostDpkgDatabaseInCommit_MatchesDpkgQuery()
    {
        using var sr = new LayeringSysroot();
        Skip.IfNot(File.Exists("/var/lib/dpkg/status"), "the host has no dpkg database to use as real data");
        // Copied once, first: other processes may install packages on the host while the test runs.
        string status = File.ReadAllText("/var/lib/dpkg/status") + LayeringSysroot.Stanza("zz-removed", "1.0", "all", "deinstall ok config-files");
        string commit = sr.Commit(sr.NewTree(status), "1");
        sr.Deploy(commit);

        var layering = PackageLayering.Open(sr.Path);
        var ours = layering.ListPackages(layering.ResolveRevision("0")).Select(p => p.ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(sr.DpkgQuery(commit), ours);
        Assert.DoesNotContain(ours, p => p.StartsWith("zz-removed ", StringComparison.Ordinal));

        var lib = layering.ListPackages(layering.ResolveRevision(LayeringSysroot.Branch), "lib*");
        Assert.NotEmpty(lib);
        Assert.Equal(ours.Where(p => p.StartsWith("lib", StringComparison.Ordinal)), lib.Select(p => p.ToString()).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public void Diff_TwoDeployments_ClassifiesAsDpkgComparesVersions()
    {
        using var sr = new LayeringSysroot();
        string from = sr.Commit(sr.NewTree(
            LayeringSysroot.Stanza("same", "1.0") + LayeringSysroot.Stanza("up", "2.0") + LayeringSysroot.Stanza("down", "1:1.0")
            + LayeringSysroot.Stanza("gone", "1.0") + LayeringSysroot.Stanza("archmove", "3.0", "amd64")), "1");
        sr.Deploy(from);
        string to = sr.Commit(sr.NewTree(
            LayeringSysroot.Stanza("same", "1.0") + LayeringSysroot.Stanza("up", "2.0-1") + LayeringSysroot.Stanza("down", "9.0")
            + LayeringSysroot.Stanza("new", "0.1~rc1") + LayeringSysroot.Stanza("archmove", "3.0", "all")), "2");
        sr.Deploy(to);

        var layering = PackageLayering.Open(sr.Path);
        var (a, b) = layering.DefaultDiffDeployments();
        Assert.Equal((from, to), (a.Commit.ToString(), b.Commit.ToString()));
        var diff = layering.Diff(a.Commit, b.Commit);

        Assert.Equal(["new"], diff.Added.Select(c => c.Name));
        Assert.Equal(["gone"], diff.Removed.Select(c => c.Name));
        Assert.Equal(["archmove", "up"], diff.Upgraded.Select(c => c.Name));
        Assert.Equal(["down"], diff.Downgraded.Select(c => c.Name));
        foreach (var change in diff.Upgraded.Concat(diff.Downgraded).Where(c => c.Previous!.Version != c.New!.Version))
        {
            string relation = change.Kind == PackageChangeKind.Upgraded ? "lt" : "gt";
            Assert.Equal(0, ExternalTool.Run("dpkg", ["--compare-versions", change.Previous!.Version, relation, change.New!.Version]).ExitCode);
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            LayeringJson.WriteDiff(writer, diff);
        }

        using var doc = JsonDocument.Parse(buffer.ToArray());
        Assert.Equal(from, doc.RootElement.GetProperty("ostree-commit-from").GetString());
        var down = doc.RootElement.GetProperty("pkgdiff").EnumerateArray().Single(e => e[0].GetString() == "down");
        Assert.Equal(3, down[1].GetInt32());
        Assert.Equal(["down", "1:1.0", "amd64"], down[2].GetProperty("PreviousPackage").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["down", "9.0", "amd64"], down[2].GetProperty("NewPackage").EnumerateArray().Select(e => e.GetString()));
    }

    [SkippableFact]
    public void ListPackages_CommitWithoutDpkgDatabase_ThrowsNamingCommit()
    {
        using var sr = new LayeringSysroot();
        string commit = sr.Commit(sr.NewTree(string.Empty, t => Directory.Delete($"{t}/usr/share/dpkg", recursive: true)), "1");
        var layering = PackageLayering.Open(sr.Path);
        var ex = Assert.Throws<AptOstreeException>(() => layering.ListPackages(layering.ResolveRevision(commit)));
        Assert.Equal(LayeringErrorCodes.NoPackageDatabase, ex.ErrorCode);
        Assert.Contains(commit, ex.Message, StringComparison.Ordinal);
        Assert.Equal(LayeringErrorCodes.UnknownRevision, Assert.Throws<AptOstreeException>(() => layering.ResolveRevision("no/such/ref")).ErrorCode);
    }
}
