using System.Buffers.Binary;
using AptOstree.OSTree.GVariant;
using AptOstree.OSTree.Tests.Pull;
using AptOstree.Testing;

namespace AptOstree.OSTree.Tests.Refs;

/// <summary>Collection IDs, refs/mirrors and summaries with collections, with ostree 2022.7 as the oracle.</summary>
public class CollectionRefInteropTests
{
    private const string Collection = "org.example.Os";

    [SkippableFact]
    public void SummaryOfACollectionRepoWithMirrorsEqualsOstreesByteForByte()
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-coll-");
        string other = OstreeSource(tmp, "other", "org.example.Other");
        string repo = tmp.Combine("repo");
        OstreeTestTrees.Ostree("--repo=" + repo, "init", "--mode=archive", "--collection-id=" + Collection);
        OstreeTestTrees.Ostree("--repo=" + repo, "commit", "-b", "os/stable", "-s", "one", "--add-metadata-string=version=1.0", Tree(tmp));
        OstreeTestTrees.Ostree("--repo=" + repo, "commit", "-b", "app", "-s", "two", Tree(tmp));
        OstreeTestTrees.Ostree("--repo=" + repo, "remote", "add", "--no-gpg-verify", "other", "file://" + other);
        OstreeTestTrees.Ostree("--repo=" + repo, "pull", "--mirror", "other");
        OstreeTestTrees.Ostree("--repo=" + repo, "summary", "-u");
        byte[] theirs = File.ReadAllBytes(Path.Combine(repo, "summary"));

        var ours = OstreeRepository.Open(repo);
        Assert.Contains(new CollectionRef("org.example.Other", "b/one"), ours.Refs.ListCollectionRefs().Keys);
        byte[] built = SummaryWriter.Build(ours, DateTimeOffset.FromUnixTimeSeconds((long)LastModified(theirs)));
        Assert.Equal(Convert.ToHexString(theirs), Convert.ToHexString(built));
    }

    [SkippableFact]
    public void OurSummaryUpdateCommitsOstreeMetadataAndOstreeReadsIt()
    {
        ExternalTool.Require("ostree", "python3");
        using var tmp = new TempDirectory("ostree-coll-");
        string other = OstreeSource(tmp, "other", "org.example.Other");
        var ours = OstreeRepository.Create(tmp.Combine("ours"), RepoMode.Archive, collectionId: Collection);
        var stable = ours.Commit(Tree(tmp), new CommitOptions { Branch = "os/stable", Subject = "ours" });
        Assert.Equal(Collection, ours.ReadCommit(stable).GetMetadata("ostree.collection-binding")?.AsString());
        ours.Remotes.Add("other", "file://" + other);
        new RepositoryPuller(ours).MirrorRemoteAsync("other").GetAwaiter().GetResult();
        ours.UpdateSummary();
        var metadataCommit = ours.Refs.TryResolveCollectionRef(new CollectionRef(Collection, SummaryWriter.MetadataRef));
        Assert.NotNull(metadataCommit);
        Assert.Equal(["ostree-metadata"], ours.ReadCommit(metadataCommit.Value).GetMetadata("ostree.ref-binding")?.AsStrings());
        OstreeTestTrees.Ostree("--repo=" + ours.Path, "fsck");

        string view = OstreeTestTrees.Ostree("--repo=" + ours.Path, "summary", "--view");
        Assert.Contains($"* ({Collection}, os/stable)", view, StringComparison.Ordinal);
        Assert.Contains($"* ({Collection}, ostree-metadata)", view, StringComparison.Ordinal);
        Assert.Contains("* (org.example.Other, b/one)", view, StringComparison.Ordinal);
        Assert.Contains($"Collection ID (ostree.summary.collection-id): {Collection}", view, StringComparison.Ordinal);

        // `ostree refs --collections` and ours list the same collection refs.
        var theirList = OstreeTestTrees.Ostree("--repo=" + ours.Path, "refs", "--collections").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(theirList, ours.Refs.ListCollectionRefs().Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));

        // ostree pulls from us over HTTP as a collection remote, and mirrors us.
        using var server = new StaticHttpServer(ours.Path);
        string client = tmp.Combine("client");
        OstreeTestTrees.Ostree("--repo=" + client, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + client, "remote", "add", "--no-gpg-verify", "--collection-id=" + Collection, "o", server.Url);
        OstreeTestTrees.Ostree("--repo=" + client, "pull", "o", "os/stable");
        // (ostree's own --mirror of everything checks every commit against the summary's collection ID and so
        // fails on collection-map refs; an explicit ref mirrors fine.)
        string mirror = tmp.Combine("mirror");
        OstreeTestTrees.Ostree("--repo=" + mirror, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + mirror, "remote", "add", "--no-gpg-verify", "--collection-id=" + Collection, "o", server.Url);
        OstreeTestTrees.Ostree("--repo=" + mirror, "pull", "--mirror", "o", "os/stable");
        OstreeTestTrees.Ostree("--repo=" + client, "fsck");
        OstreeTestTrees.Ostree("--repo=" + mirror, "fsck");
        Assert.Equal(stable.ToString(), File.ReadAllText(Path.Combine(client, "refs/remotes/o/os/stable")).Trim());
        Assert.Equal(stable.ToString(), File.ReadAllText(Path.Combine(mirror, "refs/mirrors", Collection, "os/stable")).Trim());
    }

    [SkippableTheory]
    [InlineData("plain", false, false, null)]
    [InlineData("remote-collection", true, false, null)]
    [InlineData("mirror-all", false, true, null)]
    [InlineData("mirror-all-remote-collection", true, true, null)]
    [InlineData("mirror-one", false, true, "os/stable")]
    [InlineData("mirror-own-collection", false, true, null)]
    [InlineData("mirror-http", true, true, null)]
    [InlineData("mirror-collection-map", false, true, null)]
    public async Task RefsLandWhereOstreePutsThem(string scenario, bool remoteCollection, bool mirror, string? mirrorRef)
    {
        ExternalTool.Require("ostree", "python3");
        using var tmp = new TempDirectory("ostree-coll-");
        string source = OstreeSource(tmp, "src", Collection);
        if (scenario == "mirror-collection-map")
        {
            // A repository without a collection ID of its own that mirrors org.example.Os: its summary lists those refs in the collection map.
            string origin = source;
            source = tmp.Combine("map");
            OstreeTestTrees.Ostree("--repo=" + source, "init", "--mode=archive");
            OstreeTestTrees.Ostree("--repo=" + source, "commit", "-b", "mine", Tree(tmp));
            OstreeTestTrees.Ostree("--repo=" + source, "remote", "add", "--no-gpg-verify", "origin", "file://" + origin);
            OstreeTestTrees.Ostree("--repo=" + source, "pull", "--mirror", "origin");
            OstreeTestTrees.Ostree("--repo=" + source, "summary", "-u");
        }

        using var server = scenario == "mirror-http" ? new StaticHttpServer(source) : null;
        string url = server?.Url ?? "file://" + source;
        string? ownCollection = scenario == "mirror-own-collection" ? Collection : null;
        string[] remoteArgs = remoteCollection ? ["--collection-id=" + Collection] : [];

        string theirs = tmp.Combine("theirs");
        OstreeTestTrees.Ostree(["--repo=" + theirs, "init", "--mode=archive", .. ownCollection is null ? Array.Empty<string>() : ["--collection-id=" + ownCollection]]);
        OstreeTestTrees.Ostree(["--repo=" + theirs, "remote", "add", "--no-gpg-verify", .. remoteArgs, "o", url]);
        OstreeTestTrees.Ostree(["--repo=" + theirs, "pull", .. mirror ? ["--mirror"] : Array.Empty<string>(), "o", .. mirror && mirrorRef is null ? Array.Empty<string>() : [mirrorRef ?? "os/stable"]]);

        var ours = OstreeRepository.Create(tmp.Combine("ours"), RepoMode.Archive, collectionId: ownCollection);
        ours.Remotes.Add("o", url, options: remoteCollection ? new Dictionary<string, string> { ["collection-id"] = Collection } : null);
        var puller = new RepositoryPuller(ours);
        if (mirror && mirrorRef is null)
        {
            var pulled = await puller.MirrorRemoteAsync("o");
            Assert.Equal(
                scenario == "mirror-collection-map"
                    ? [$"({Collection}, os/stable)", $"({Collection}, ostree-metadata)", $"({Collection}, other)", "mine"]
                    : ["os/stable", "ostree-metadata", "other"],
                pulled.Keys.Order(StringComparer.Ordinal));
        }
        else
        {
            await puller.PullRemoteAsync("o", mirrorRef ?? "os/stable", new PullOptions { Mirror = mirror });
        }

        Assert.Equal(RefsTree(theirs), RefsTree(ours.Path));
        Assert.Equal(File.Exists(Path.Combine(theirs, "summary")), File.Exists(Path.Combine(ours.Path, "summary")));
        var theirList = OstreeTestTrees.Ostree("--repo=" + theirs, "refs", "--collections").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(theirList, ours.Refs.ListCollectionRefs().Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));
        Assert.True(ours.Fsck().IsClean);
        OstreeTestTrees.Ostree("--repo=" + ours.Path, "fsck");
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CommitsBoundToAnotherCollectionThanTheRemotesAreRefused(bool withSummary)
    {
        ExternalTool.Require("ostree");
        using var tmp = new TempDirectory("ostree-coll-");
        string source = OstreeSource(tmp, "src", Collection);
        if (!withSummary)
        {
            File.Delete(Path.Combine(source, "summary"));
        }

        // ostree 2022.7 ignores a remote's collection-id on a plain pull and accepts the commit; we enforce the
        // binding (the spec's pull rule), so a remote that claims another collection cannot serve it.
        string theirs = tmp.Combine("theirs");
        OstreeTestTrees.Ostree("--repo=" + theirs, "init", "--mode=archive");
        OstreeTestTrees.Ostree("--repo=" + theirs, "remote", "add", "--no-gpg-verify", "--collection-id=org.example.Wrong", "o", "file://" + source);
        OstreeTestTrees.Ostree("--repo=" + theirs, "pull", "o", "os/stable");

        var ours = OstreeRepository.Create(tmp.Combine("ours"), RepoMode.Archive);
        ours.Remotes.Add("o", "file://" + source, options: new Dictionary<string, string> { ["collection-id"] = "org.example.Wrong" });
        var ex = await Assert.ThrowsAsync<AptOstreeException>(() => ours.PullAsync("o", "os/stable"));
        Assert.Equal(OstreeErrorCodes.RemoteFailed, ex.ErrorCode);
        Assert.Contains("bound to collection 'org.example.Os', not 'org.example.Wrong'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(ours.Refs.List());

        // With the right collection ID the same pull succeeds and lands where ostree's did.
        ours.Remotes.Add("o", "file://" + source, options: new Dictionary<string, string> { ["collection-id"] = Collection });
        Assert.Equal(File.ReadAllText(Path.Combine(theirs, "refs/remotes/o/os/stable")).Trim(), (await ours.PullAsync("o", "os/stable")).ToString());
    }

    [Fact]
    public void CollectionRefsAreStoredUnderHeadsForTheOwnCollectionElseUnderMirrors()
    {
        using var tmp = new TempDirectory("ostree-coll-");
        var repo = OstreeRepository.Create(tmp.Combine("r"), RepoMode.Archive, collectionId: Collection);
        Directory.CreateDirectory(tmp.Combine("t"));
        var commit = repo.Commit(tmp.Combine("t"), new CommitOptions { Branch = "x" });
        repo.Refs.SetCollectionRef(new CollectionRef(Collection, "own/ref"), commit);
        repo.Refs.SetCollectionRef(new CollectionRef("org.example.Other", "their/ref"), commit);
        Assert.True(File.Exists(Path.Combine(repo.Path, "refs/heads/own/ref")));
        Assert.True(File.Exists(Path.Combine(repo.Path, "refs/mirrors/org.example.Other/their/ref")));
        Assert.Equal(commit, repo.Refs.TryResolveCollectionRef(new CollectionRef("org.example.Other", "their/ref")));
        repo.Refs.SetCollectionRef(new CollectionRef("org.example.Other", "their/ref"), null);
        Assert.Null(repo.Refs.TryResolveCollectionRef(new CollectionRef("org.example.Other", "their/ref")));
        foreach (var bad in new[] { "single", "org..x", ".org.x", "org.x-", "org/x.y" })
        {
            Assert.False(RefStore.IsValidCollectionId(bad), bad);
            var ex = Assert.Throws<AptOstreeException>(() => repo.Refs.SetCollectionRef(new CollectionRef(bad, "r"), commit));
            Assert.Equal(OstreeErrorCodes.InvalidRefName, ex.ErrorCode);
        }
    }

    private static string Tree(TempDirectory tmp)
    {
        string tree = tmp.Combine("tree");
        if (!Directory.Exists(tree))
        {
            Directory.CreateDirectory(Path.Combine(tree, "usr"));
            File.WriteAllText(Path.Combine(tree, "usr", "file"), "content\n");
        }

        return tree;
    }

    /// <summary>An archive repository made by ostree with a collection ID, two refs and a summary (with its ostree-metadata commit).</summary>
    private static string OstreeSource(TempDirectory tmp, string name, string collection)
    {
        string repo = tmp.Combine(name);
        OstreeTestTrees.Ostree("--repo=" + repo, "init", "--mode=archive", "--collection-id=" + collection);
        if (collection == Collection)
        {
            OstreeTestTrees.Ostree("--repo=" + repo, "commit", "-b", "os/stable", "-s", "one", Tree(tmp));
            OstreeTestTrees.Ostree("--repo=" + repo, "commit", "-b", "other", "-s", "two", Tree(tmp));
        }
        else
        {
            OstreeTestTrees.Ostree("--repo=" + repo, "commit", "-b", "b/one", "-s", "b", Tree(tmp));
        }

        OstreeTestTrees.Ostree("--repo=" + repo, "summary", "-u");
        return repo;
    }

    private static List<string> RefsTree(string repo) =>
        Directory.EnumerateFiles(Path.Combine(repo, "refs"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(repo, f) + " " + File.ReadAllText(f).Trim())
            .Order(StringComparer.Ordinal)
            .ToList();

    private static ulong LastModified(byte[] summary)
    {
        var t = (object[])GVariantSerializer.Deserialize("(a(s(taya{sv}))a{sv})", summary, "summary");
        var entry = ((object[])t[1]).Cast<object[]>().Single(e => (string)e[0] == "ostree.summary.last-modified");
        return BinaryPrimitives.ReverseEndianness((ulong)((GVariantValue)entry[1]).Value);
    }
}
