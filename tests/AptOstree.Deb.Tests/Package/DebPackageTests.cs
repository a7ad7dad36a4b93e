using AptOstree.Deb.Tests.Archive;
using AptOstree.Deb.Tests.Building;
using Microsoft.Extensions.DependencyInjection;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Package;

public sealed class DebPackageTests : IDisposable
{
    private readonly TempDirectory _temp = new("debarchive-pkg-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Control_archive_exposes_raw_text_parsed_fields_and_well_known_files()
    {
        var bytes = TestDebs.Create("ctl", "1.2-3", extraFields: [new("Depends", "libc6 (>= 2.36), perl")], scripts: new Dictionary<string, string> { ["prerm"] = "#!/bin/sh\n" })
            .AddControlFile("conffiles", "/etc/ctl.conf\nremove-on-upgrade /etc/old.conf\n"u8.ToArray())
            .AddControlFile("triggers", "interest /usr/share/ctl\n"u8.ToArray())
            .AddControlFile("shlibs", "libctl 1 ctl (>= 1.2)\n"u8.ToArray())
            .AddFile("etc/ctl.conf", "x")
            .AddFile("usr/lib/ctl", "y");
        var ms = new MemoryStream();
        bytes.Build(ms);
        using var pkg = DebPackage.Open(new MemoryStream(ms.ToArray()));
        Assert.Equal(new Version(2, 0), pkg.FormatVersion);
        Assert.Equal("1.2-3", pkg.Control.Fields["Version"]);
        Assert.Equal("libc6 (>= 2.36), perl", pkg.Control.Fields["depends"]);
        Assert.StartsWith("Package: ctl\n", pkg.Control.ControlText);
        Assert.Equal(["/etc/ctl.conf", "/etc/old.conf"], pkg.Control.Conffiles.Select(c => c.Path));
        Assert.Equal(["remove-on-upgrade"], pkg.Control.Conffiles[1].Flags);
        Assert.Equal("interest /usr/share/ctl\n", pkg.Control.Triggers);
        Assert.Equal("libctl 1 ctl (>= 1.2)\n", pkg.Control.Shlibs);
        Assert.Equal(["usr/lib/ctl"], pkg.Control.Md5Sums.Select(m => m.Path));
        Assert.Equal(["prerm"], pkg.Control.MaintainerScripts.Keys);
    }

    [Fact]
    public void Non_seekable_stream_allows_one_pass_over_the_data()
    {
        var bytes = TestDebs.Build("once", files: new Dictionary<string, string> { ["a"] = "1" });
        using var pkg = DebPackage.Open(new ArReaderTests.NonSeekableStream(bytes));
        Assert.Contains(pkg.GetDataEntries(), e => e.Path == "a");
        Assert.Throws<InvalidOperationException>(() => pkg.GetDataEntries());
    }

    [Fact]
    public void Seekable_input_can_be_read_and_extracted_repeatedly()
    {
        var bytes = TestDebs.Build("again", files: new Dictionary<string, string> { ["usr/share/again/a"] = "1" }, compression: DebCompression.Xz);
        using var pkg = DebPackage.Open(new MemoryStream(bytes));
        Assert.Equal(pkg.GetDataEntries().Count, pkg.GetDataEntries().Count);
        pkg.ExtractTo(_temp.Combine("one"));
        pkg.ExtractTo(_temp.Combine("one"));
        Assert.Equal("1", File.ReadAllText(_temp.Combine("one", "usr/share/again/a")));
    }

    [Fact]
    public void ExtractTo_ProgressAndCancellation_ReportsMemberBytesAndStops()
    {
        var path = _temp.Combine("progress.deb");
        TestDebs.Create("progress", files: Enumerable.Range(0, 200).ToDictionary(i => $"usr/share/progress/f{i}", i => new string('x', i))).Build(path);
        using var pkg = DebPackage.Open(path);
        var reports = new List<OperationProgress>();
        var result = pkg.ExtractTo(_temp.Combine("out"), progress: new SyncProgress(reports));
        Assert.Equal(200, result.Files);
        Assert.All(reports, r => Assert.Equal(pkg.DataMember.Size, r.Total));
        Assert.Equal(pkg.DataMember.Size, reports[^1].Completed);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => pkg.ExtractTo(_temp.Combine("cancelled"), cancellationToken: cts.Token));
    }

    [Theory]
    [InlineData(DebCompression.None)]
    [InlineData(DebCompression.Gzip)]
    [InlineData(DebCompression.Xz)]
    public void ExtractTo_OneLargeFile_ReportsBytesDuringItAndCancelsWithinIt(DebCompression compression)
    {
        var path = _temp.Combine("large.deb");
        var big = new byte[48 << 20];
        new Random(11).NextBytes(big.AsSpan(0, big.Length / 2)); // half incompressible, so every codec has bytes to read
        var builder = TestDebs.Create("large", files: new Dictionary<string, string> { ["usr/share/large/small"] = "s" });
        builder.AddFile("usr/share/large/big", big);
        builder.Compression = compression;
        builder.CompressionLevel = compression == DebCompression.Xz ? 0 : null;
        builder.Build(path);
        using var pkg = DebPackage.Open(path);

        var reports = new List<OperationProgress>();
        pkg.ExtractTo(_temp.Combine("out"), progress: new SyncProgress(reports));
        var during = reports.Where(r => r.CurrentItem == "./usr/share/large/big" && r.Completed < pkg.DataMember.Size).ToList();
        Assert.True(during.Count >= 4, $"{during.Count} reports during the large file");
        Assert.True(during.Select(r => r.Completed).SequenceEqual(during.Select(r => r.Completed).Order()), "progress only grows");
        Assert.Equal(pkg.DataMember.Size, reports[^1].Completed);

        using var cts = new CancellationTokenSource();
        var afterCancel = new List<OperationProgress>();
        var cancelling = new SyncProgress(afterCancel, r =>
        {
            if (r.CurrentItem == "./usr/share/large/big" && r.Completed > pkg.DataMember.Size / 4)
            {
                cts.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => pkg.ExtractTo(_temp.Combine("cancelled"), progress: cancelling, cancellationToken: cts.Token));
        Assert.True(afterCancel[^1].Completed < pkg.DataMember.Size, "cancelled within the large file, not after it");
    }

    [Fact]
    public void Extraction_replaces_existing_files_and_symlinks_like_tar()
    {
        var target = _temp.Combine("replace");
        Directory.CreateDirectory(Path.Combine(target, "d"));
        File.WriteAllText(Path.Combine(target, "d", "f"), "old");
        File.CreateSymbolicLink(Path.Combine(target, "d", "g"), "/etc/passwd");
        var deb = RawDeb.WithData(RawDeb.Dir("./"), RawDeb.Dir("./d/"), RawDeb.File("./d/f", "new"), RawDeb.File("./d/g", "file now"));
        using var pkg = DebPackage.Open(new MemoryStream(deb));
        pkg.ExtractTo(target);
        Assert.Equal("new", File.ReadAllText(Path.Combine(target, "d", "f")));
        Assert.Null(new FileInfo(Path.Combine(target, "d", "g")).LinkTarget);
        Assert.Equal("file now", File.ReadAllText(Path.Combine(target, "d", "g")));
    }

    [Fact]
    public void Services_resolve_through_AddAptOstreeDeb()
    {
        var services = new ServiceCollection().AddAptOstreeDeb();
        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(DebPackageReader));
        Assert.Contains(services, d => d.ServiceType == typeof(AptOstree.Posix.IPosixFileSystem));
        var reader = (DebPackageReader)descriptor.ImplementationFactory!(new DescriptorProvider(services));
        using var pkg = reader.Open(new MemoryStream(TestDebs.Build("di")));
        Assert.Equal("di", pkg.Control.Fields["Package"]);
        Assert.Same(DebReaderOptions.Default, reader.Options);
    }

    private sealed class DescriptorProvider(IServiceCollection services) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            services.LastOrDefault(d => d.ServiceType == serviceType)?.ImplementationInstance;
    }

    private sealed class SyncProgress(List<OperationProgress> reports, Action<OperationProgress>? then = null) : IProgress<OperationProgress>
    {
        public void Report(OperationProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }

            then?.Invoke(value);
        }
    }
}
